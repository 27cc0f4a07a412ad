import type { UpstreamLink } from '../../adapters/types.ts';
import { inParallel, uniqueId, type StoreAccess } from './helpers.ts';

const ISSUER = 'https://connect.surfconext.example';

const linkOf = (accountId: string, subject: string, fields: Partial<UpstreamLink> = {}): UpstreamLink => ({
  issuer: ISSUER,
  subject,
  accountId,
  provider: 'surfconext',
  via: 'account',
  label: { schac_home_organization: 'uva.nl', eduperson_principal_name: 'j.van.den.berg@uva.nl' },
  linkedAt: 1_700_000_000,
  ...fields,
});

export function upstreamLinksContract(store: StoreAccess): void {
  describe('upstream links', () => {
    const links = () => store().upstreamLinks;

    it("links a pair to an account: found by the pair and among the account's links, as given", async () => {
      const account = uniqueId('account');
      const subject = uniqueId('Subject');
      const link = linkOf(account, subject);
      expect(await links().link(link)).toBe('linked');
      expect(await links().find(ISSUER, subject)).toEqual(link);
      expect(await links().ofAccount(account)).toEqual([link]);
      expect(await links().ofAccount(uniqueId('account'))).toEqual([]);
    });

    it("refuses a pair that is another account's, and changes nothing", async () => {
      const [owner, other] = [uniqueId('account'), uniqueId('account')];
      const subject = uniqueId('subject');
      await links().link(linkOf(owner, subject));
      expect(await links().link(linkOf(other, subject, { via: 'invitation', linkedAt: 1_800_000_000 }))).toBe('taken');
      expect(await links().find(ISSUER, subject)).toEqual(linkOf(owner, subject));
      expect(await links().ofAccount(other)).toEqual([]);
      expect(await links().link(linkOf(owner, subject, { linkedAt: 1_800_000_000 }))).toBe('already');
      expect(await links().ofAccount(owner)).toEqual([linkOf(owner, subject)]);
    });

    it('tells pairs apart exactly: case, issuer, and where one part ends and the other begins', async () => {
      const account = uniqueId('account');
      const id = uniqueId('s');
      const pairs: [string, string][] = [
        [ISSUER, `${id}:x`],
        [ISSUER, `${id}:X`],
        [`${ISSUER}/other`, `${id}:x`],
        [`${ISSUER}:${id}`, 'x}'],
        [`${ISSUER}:${id}:x`, '}'],
      ];
      for (const [issuer, subject] of pairs) expect(await links().link(linkOf(account, subject, { issuer }))).toBe('linked');
      expect((await links().ofAccount(account)).map((l) => [l.issuer, l.subject]).sort()).toEqual([...pairs].sort());
      expect(await links().find(ISSUER, `${id}:x`.toUpperCase())).toBeUndefined();
    });

    it("lists an account's links oldest first", async () => {
      const account = uniqueId('account');
      const [late, early] = [uniqueId('late'), uniqueId('early')];
      await links().link(linkOf(account, late, { linkedAt: 1_700_000_200 }));
      await links().link(linkOf(account, early, { linkedAt: 1_700_000_100, provider: 'eduid', label: {} }));
      expect((await links().ofAccount(account)).map((l) => [l.subject, l.provider, l.label])).toEqual([
        [early, 'eduid', {}],
        [late, 'surfconext', linkOf(account, late).label],
      ]);
    });

    it('unlinks only for the account the pair is linked to; the pair can then be linked again', async () => {
      const [owner, other] = [uniqueId('account'), uniqueId('account')];
      const subject = uniqueId('subject');
      await links().link(linkOf(owner, subject));
      expect(await links().unlink(other, ISSUER, subject)).toBe(false);
      expect(await links().find(ISSUER, subject)).toBeDefined();
      expect(await links().unlink(owner, ISSUER, subject)).toBe(true);
      expect(await links().unlink(owner, ISSUER, subject)).toBe(false);
      expect(await links().find(ISSUER, subject)).toBeUndefined();
      expect(await links().ofAccount(owner)).toEqual([]);
      expect(await links().link(linkOf(other, subject))).toBe('linked');
      expect(await links().ofAccount(other)).toEqual([linkOf(other, subject)]);
      expect(await links().ofAccount(owner)).toEqual([]);
    });

    it('notes the last use of a link, for its own account only', async () => {
      const account = uniqueId('account');
      const subject = uniqueId('subject');
      await links().link(linkOf(account, subject));
      await links().used(uniqueId('account'), ISSUER, subject, 1_700_000_500);
      expect((await links().find(ISSUER, subject))!.lastUsedAt).toBeUndefined();
      await links().used(account, ISSUER, subject, 1_700_000_500);
      await links().used(account, ISSUER, uniqueId('unlinked'), 1_700_000_500);
      expect(await links().ofAccount(account)).toEqual([{ ...linkOf(account, subject), lastUsedAt: 1_700_000_500 }]);
    });

    it('gives a pair to exactly one of 20 accounts linking it at once, and lists it only under that one', async () => {
      const accounts = Array.from({ length: 20 }, () => uniqueId('account'));
      const subject = uniqueId('subject');
      const outcomes = await inParallel(20, (i) => links().link(linkOf(accounts[i]!, subject)));
      const answers = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'));
      expect(answers.filter((a) => a === 'linked')).toHaveLength(1);
      expect(answers.filter((a) => a === 'taken')).toHaveLength(19);
      const winner = accounts[answers.indexOf('linked')]!;
      expect((await links().find(ISSUER, subject))!.accountId).toBe(winner);
      const listed = await Promise.all(accounts.map((a) => links().ofAccount(a)));
      expect(listed.map((l) => l.length)).toEqual(accounts.map((a) => (a === winner ? 1 : 0)));
    });

    it("unlinks and links again in parallel, ending with the account's list matching the pair", async () => {
      const account = uniqueId('account');
      const subject = uniqueId('subject');
      await links().link(linkOf(account, subject));
      await inParallel<unknown>(10, (i) => (i % 2 ? links().unlink(account, ISSUER, subject) : links().link(linkOf(account, subject))));
      const found = await links().find(ISSUER, subject);
      expect(await links().ofAccount(account)).toEqual(found ? [found] : []);
    });
  });
}
