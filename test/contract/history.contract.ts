import type { HistoryEntry } from '../../adapters/types.ts';
import { inParallel, uniqueId, type StoreAccess } from './helpers.ts';

/** A day, in the seconds entries are stamped with. */
const DAY = 86_400;

export function accountHistoryContract(store: StoreAccess): void {
  describe('account history', () => {
    const history = () => store().history;
    const keep = { max: 5, seconds: 30 * DAY };
    const at = 1_760_000_000;
    const entry = (n: number, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({ at: at + n, event: `event.${n}`, via: 'console', ...fields });
    const added = async (accountId: string, entries: HistoryEntry[]) => {
      for (const e of entries) await history().add(accountId, e, keep);
    };

    it('gives back what was added, newest first, every field exactly as given', async () => {
      const id = uniqueId('account');
      const first = entry(1, { by: 'desk-1', byEmail: 'Désirée.van.den.Berg@cbs.nl', identityCheck: 'belde terug op 06-… — "paspoort" gezien' });
      const second = entry(2, { role: 'helpdesk', changed: ['email', 'endDate'], nested: { applications: ['portal'] } });
      await added(id, [first, second]);
      expect(await history().read(id, 10, 0)).toEqual([second, first]);
    });

    it('keeps entries in the order they were added, also within one second', async () => {
      const id = uniqueId('account');
      const sameSecond = [1, 2, 3].map((n) => ({ ...entry(0), event: `event.${n}` }));
      await added(id, sameSecond);
      expect((await history().read(id, 10, 0)).map((e) => e.event)).toEqual(['event.3', 'event.2', 'event.1']);
    });

    it('keeps each account apart, and nothing for an account without events', async () => {
      const [one, other] = [uniqueId('account'), uniqueId('account')];
      await added(one, [entry(1)]);
      await added(other, [entry(2)]);
      expect(await history().read(one, 10, 0)).toEqual([entry(1)]);
      expect(await history().read(uniqueId('account'), 10, 0)).toEqual([]);
    });

    it('keeps the newest `max` of an account, and reads at most `limit`', async () => {
      const id = uniqueId('account');
      await added(
        id,
        [1, 2, 3, 4, 5, 6, 7].map((n) => entry(n)),
      );
      expect((await history().read(id, 10, 0)).map((e) => e.event)).toEqual(['event.7', 'event.6', 'event.5', 'event.4', 'event.3']);
      expect((await history().read(id, 2, 0)).map((e) => e.event)).toEqual(['event.7', 'event.6']);
    });

    it('drops entries past retention when a newer one comes, and reads none from before `after`', async () => {
      const id = uniqueId('account');
      await added(id, [entry(0), entry(DAY), entry(20 * DAY)]);
      expect((await history().read(id, 10, at + DAY / 2)).map((e) => e.event)).toEqual([`event.${20 * DAY}`, `event.${DAY}`]);
      // Thirty days after the second entry: it and the first are gone from the store, not only from the answer.
      await added(id, [entry(31 * DAY)]);
      expect((await history().read(id, 10, 0)).map((e) => e.event)).toEqual([`event.${31 * DAY}`, `event.${20 * DAY}`]);
    });

    it('adds every one of 20 parallel events of one account, none lost, within the cap', async () => {
      const id = uniqueId('account');
      await inParallel(20, (n) => history().add(id, entry(n), { ...keep, max: 50 }));
      const read = await history().read(id, 50, 0);
      expect(read.map((e) => e.event).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `event.${n}`).sort());
    });

    it("erases an account's history, and only that account's", async () => {
      const [gone, kept] = [uniqueId('account'), uniqueId('account')];
      await added(gone, [entry(1), entry(2)]);
      await added(kept, [entry(3)]);
      await history().erase(gone);
      expect(await history().read(gone, 10, 0)).toEqual([]);
      expect(await history().read(kept, 10, 0)).toEqual([entry(3)]);
    });

    it('is no account to the account indexes: a reindex counts the account once and leaves its history', async () => {
      const before = await store().accounts.reindex({ all: true });
      const account = { id: uniqueId('account'), email: `${uniqueId('history')}@cbs.nl`, version: 1, name: 'Hanna Historie' };
      await store().accounts.create(account);
      await added(account.id, [entry(1)]);
      expect(await store().accounts.reindex({ all: true })).toBe(before + 1);
      expect(await history().read(account.id, 10, 0)).toEqual([entry(1)]);
      expect(await store().accounts.findById(account.id)).toEqual(account);
    });
  });
}
