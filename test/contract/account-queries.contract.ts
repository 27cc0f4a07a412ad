import type { AccountStore, StoredAccount } from '../../adapters/types.ts';
import { asInvitation, uniqueId, type StoreAccess } from './helpers.ts';

/** Every account of the store in listing order, read a page at a time as the CLI does. */
async function everyListed(accounts: AccountStore, pageSize = 7): Promise<StoredAccount[]> {
  const all: StoredAccount[] = [];
  let page = await accounts.listed({ offset: 0 }, pageSize);
  for (;;) {
    all.push(...page.accounts);
    if (!page.next) return all;
    page = await accounts.listed({ after: page.next }, pageSize);
  }
}

const folded = (email: string) => email.normalize('NFD').toLowerCase().replace(/\p{M}/gu, '');
const ids = (list: StoredAccount[]) => list.map((a) => a.id);

/** The indexed questions: none reads every account, removed accounts are in none. */
export function accountQueriesContract(store: StoreAccess): void {
  describe('account queries', () => {
    const accounts = () => store().accounts;
    const tag = () => uniqueId('q').slice(0, 14).replace(/-/g, '');
    const account = (fields: Partial<StoredAccount> = {}): StoredAccount => ({
      id: uniqueId('account'),
      email: `${uniqueId('user')}@cbs.nl`,
      version: 1,
      name: 'Ann Example',
      ...fields,
    });
    const created = async (fields: Partial<StoredAccount> = {}) => {
      const a = account(fields);
      await accounts().create(a);
      return a;
    };
    const removed = (a: StoredAccount) => accounts().save({ ...a, deletedAt: 1_800_000_000, email: `deleted-${a.id}@deleted.invalid`, name: '' });
    const search = (text: string, page = { offset: 0, limit: 50, within: 200 }) => accounts().search(text, page);

    it('finds accounts by externalId, exactly, and follows a change of it', async () => {
      const externalId = uniqueId('Hr');
      const [a, b] = [await created({ externalId }), await created({ externalId })];
      await created({ externalId: externalId.toLowerCase() });
      expect(ids(await accounts().findByExternalId(externalId, 10)).sort()).toEqual([a.id, b.id].sort());
      expect(await accounts().findByExternalId(externalId, 1)).toHaveLength(1);

      const moved = uniqueId('Hr');
      const saved = await accounts().save({ ...a, externalId: moved });
      expect(ids(await accounts().findByExternalId(externalId, 10))).toEqual([b.id]);
      expect(await accounts().findByExternalId(moved, 10)).toEqual([saved]);
      await removed(b);
      expect(await accounts().findByExternalId(externalId, 10)).toEqual([]);
    });

    it('lists every account once, by folded address, a page at a time from a position or after the last page; removed ones not', async () => {
      const t = tag();
      const before = await accounts().countListed();
      const mine = [await created({ email: `${t}-b@cbs.nl` }), await created({ email: `${t}-A@cbs.nl` }), await created({ email: `${t}-é@cbs.nl` })];
      const gone = await created({ email: `${t}-c@cbs.nl` });
      await removed(gone);
      expect(await accounts().countListed()).toBe(before + 3);

      const walk = await everyListed(accounts());
      expect(walk).toHaveLength(before + 3);
      expect(new Set(ids(walk)).size).toBe(walk.length);
      const keys = walk.map((a) => folded(a.email));
      expect(keys).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      expect(ids(walk.filter((a) => a.email.startsWith(t)))).toEqual([mine[1]!.id, mine[0]!.id, mine[2]!.id]);
      expect(ids(walk)).not.toContain(gone.id);

      const position = walk.findIndex((a) => a.id === mine[1]!.id);
      const page = await accounts().listed({ offset: position }, 2);
      expect(ids(page.accounts)).toEqual([mine[1]!.id, mine[0]!.id]);
      expect(ids((await accounts().listed({ after: page.next! }, 1)).accounts)).toEqual([mine[2]!.id]);
      expect((await accounts().listed({ offset: walk.length }, 5)).accounts).toEqual([]);
    });

    it('searches address and name by prefix, from any word of the name, ignoring case and accents', async () => {
      const t = tag();
      const emile = await created({ email: `${t}.zola@cbs.nl`, name: `Émile ${t}Zola` });
      const anne = await created({ email: `${t}.anne@cbs.nl`, name: `Anne van den ${t}Berg-Ünal` });
      expect(ids((await search(`${t}zo`)).accounts)).toEqual([emile.id]);
      expect(ids((await search(`${t.toUpperCase()}ZÖ`)).accounts)).toEqual([emile.id]);
      expect(ids((await search(`${t}.Z`)).accounts)).toEqual([emile.id]);
      expect(ids((await search(`den ${t}berg`)).accounts)).toEqual([anne.id]);
      expect(ids((await search(`${t}BERG-un`)).accounts)).toEqual([anne.id]);
      expect(ids((await search('unal')).accounts)).toContain(anne.id);
      expect((await search(`${t}ola`)).accounts).toEqual([]);
      // By address and by name at once: still once.
      expect(await search(t)).toEqual({ accounts: [anne, emile], total: 2, more: false });

      const renamed = await accounts().save({ ...emile, name: 'Emilie Brontë' });
      expect((await search(`${t}zo`)).accounts).toEqual([]);
      expect(ids((await search(`${t}.`)).accounts)).toEqual([anne.id, renamed.id]);
      await removed(anne);
      expect(ids((await search(t)).accounts)).toEqual([renamed.id]);
    });

    it('pages a search, and reads no more than `within` matches', async () => {
      const t = tag();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await created({ email: `${t}-${i}@cbs.nl`, name: `Page ${i}` }));
      expect(await search(t, { offset: 2, limit: 2, within: 10 })).toEqual({ accounts: [made[2], made[3]], total: 5, more: false });
      expect(await search(t, { offset: 0, limit: 10, within: 3 })).toEqual({ accounts: made.slice(0, 3), total: 3, more: true });
    });

    it('lists open invitations (pending and expired) by address, not accepted ones or removed accounts', async () => {
      const t = tag();
      const before = (await accounts().openInvitations(0, 1)).total;
      const open = await created({ email: `${t}-a@cbs.nl`, invitation: asInvitation({ sentAt: 1, expiresAt: 2 }) });
      const accepted = await created({ email: `${t}-b@cbs.nl`, invitation: asInvitation({ sentAt: 1, expiresAt: 2, acceptedAt: 3 }) });
      const later = await created({ email: `${t}-c@cbs.nl` });
      const gone = await created({ email: `${t}-d@cbs.nl`, invitation: asInvitation({ sentAt: 1, expiresAt: 2 }) });
      const invited = await accounts().save({ ...later, invitation: asInvitation({ sentAt: 5, expiresAt: 6 }) });
      await removed(gone);
      const { accounts: listed, total } = await accounts().openInvitations(0, 1000);
      expect(total).toBe(before + 2);
      expect(ids(listed.filter((a) => a.email.startsWith(t)))).toEqual([open.id, invited.id]);
      expect(ids(listed)).not.toContain(accepted.id);

      await accounts().save({ ...open, invitation: asInvitation({ sentAt: 1, expiresAt: 2, acceptedAt: 4 }) });
      expect(ids((await accounts().openInvitations(0, 1000)).accounts)).not.toContain(open.id);
    });

    it('names the accounts whose end check is due, earliest first, and follows changes of it', async () => {
      const now = 2_000_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
      const due = (at = now) =>
        accounts()
          .endChecksDue(at, 0, 1000)
          .then((list) => ids(list));
      const before = await due();
      const [late, early, future] = [await created({ endCheckAt: now - 5 }), await created({ endCheckAt: now - 10 }), await created({ endCheckAt: now + 60 })];
      await created();
      const gone = await created({ endCheckAt: now - 1 });
      await removed(gone);
      expect((await due()).filter((id) => !before.includes(id))).toEqual([early.id, late.id]);
      expect(ids(await accounts().endChecksDue(now, before.length + 1, 1))).toEqual([late.id]);

      await accounts().save({ ...early, endCheckAt: now + 30 });
      const laterStill = await accounts().save({ ...late, endCheckAt: undefined });
      expect(await due()).not.toContain(early.id);
      expect(await due()).not.toContain(laterStill.id);
      expect(await due(now + 60)).toEqual(expect.arrayContaining([early.id, future.id]));
    });

    it("a save refused half-way (another account's address) leaves every index as it was", async () => {
      const t = tag();
      const [a, other] = [await created({ name: `${t}Old`, externalId: `${t}-x` }), await created()];
      await expect(accounts().save({ ...a, email: other.email, name: `${t}New`, externalId: `${t}-y`, endCheckAt: 5 })).rejects.toThrow();
      expect(ids((await search(`${t}old`)).accounts)).toEqual([a.id]);
      expect((await search(`${t}new`)).accounts).toEqual([]);
      expect(ids(await accounts().findByExternalId(`${t}-x`, 5))).toEqual([a.id]);
      expect(await accounts().findByExternalId(`${t}-y`, 5)).toEqual([]);
      expect(ids(await accounts().endChecksDue(10, 0, 1000))).not.toContain(a.id);
    });

    it('reindexes idempotently: everything is found as before', async () => {
      const t = tag();
      const a = await created({ email: `${t}@cbs.nl`, name: `${t}Name`, externalId: `${t}-r`, endCheckAt: 7, invitation: asInvitation({ sentAt: 1 }) });
      const count = await accounts().countListed();
      for (const all of [false, true, true]) await accounts().reindex({ all });
      expect(await accounts().countListed()).toBe(count);
      expect(await search(`${t}name`)).toEqual({ accounts: [a], total: 1, more: false });
      expect(await accounts().findByExternalId(`${t}-r`, 5)).toEqual([a]);
      expect(ids(await accounts().endChecksDue(7, 0, 1000))).toContain(a.id);
      expect(ids((await accounts().openInvitations(0, 1000)).accounts)).toContain(a.id);
    });
  });
}
