import { inParallel, uniqueId, type StoreAccess } from './helpers.ts';

/**
 * The back-channel logout outbox: notices held by one caller at a time, due
 * again when a hold ends, never taken twice at once. Times are passed in, so
 * each test runs in a window of its own, far from the others'.
 */
export function logoutOutboxContract(store: StoreAccess): void {
  describe('logout outbox', () => {
    const outbox = () => store().logoutOutbox;
    let window = 1_000_000_000_000;
    /** A time window of this test's own, after everything earlier tests left due. */
    const freshWindow = async () => {
      window += 1_000_000;
      for (const left of await outbox().take(window, window + 500_000, 1000)) await outbox().remove(left.lease);
      return window;
    };
    const notice = () => ({ clientId: uniqueId('app'), sub: uniqueId('account'), sid: uniqueId('sid') });

    it('holds an added notice for its adder until the hold ends, then any caller takes it, at its next attempt', async () => {
      const t = await freshWindow();
      const added = notice();
      const mine = await outbox().add(added, t + 100);
      expect(mine).toMatchObject({ ...added, attempt: 1 });
      expect(await outbox().take(t + 99, t + 1000, 10)).toEqual([]);
      const taken = await outbox().take(t + 100, t + 1000, 10);
      expect(taken).toEqual([{ ...added, attempt: 2, lease: expect.any(String) }]);
      expect(taken[0]!.lease).not.toBe(mine.lease);
      expect(await outbox().take(t + 999, t + 2000, 10)).toEqual([]);
    });

    it('takes only due notices, the earliest first, at most `limit`', async () => {
      const t = await freshWindow();
      const [early, middle, late] = [notice(), notice(), notice()];
      await outbox().add(middle, t + 20);
      await outbox().add(late, t + 30);
      await outbox().add(early, t + 10);
      const first = await outbox().take(t + 25, t + 1000, 1);
      expect(first.map((n) => n.sub)).toEqual([early.sub]);
      expect((await outbox().take(t + 25, t + 1000, 10)).map((n) => n.sub)).toEqual([middle.sub]);
      expect((await outbox().take(t + 30, t + 1000, 10)).map((n) => n.sub)).toEqual([late.sub]);
    });

    it('never gives one notice to two of 8 parallel takers', async () => {
      const t = await freshWindow();
      const added = await Promise.all(Array.from({ length: 40 }, () => outbox().add(notice(), t + 1)));
      const takes = await inParallel(8, () => outbox().take(t + 1, t + 1000, 10));
      const subs = takes.flatMap((r) => (r.status === 'fulfilled' ? r.value.map((n) => n.sub) : []));
      expect(subs).toHaveLength(40);
      expect(new Set(subs)).toEqual(new Set(added.map((n) => n.sub)));
    });

    it('removes and postpones only for the current holder', async () => {
      const t = await freshWindow();
      const stale = await outbox().add(notice(), t + 10);
      const [current] = await outbox().take(t + 10, t + 100, 10);
      await outbox().remove(stale.lease);
      await outbox().postpone(stale.lease, t + 20);
      expect(await outbox().take(t + 99, t + 1000, 10)).toEqual([]);
      await outbox().postpone(current!.lease, t + 50);
      const again = await outbox().take(t + 50, t + 1000, 10);
      expect(again.map((n) => [n.sub, n.attempt])).toEqual([[current!.sub, 3]]);
      await outbox().remove(again[0]!.lease);
      expect(await outbox().take(t + 100_000, t + 200_000, 10)).toEqual([]);
    });

    it('keeps a notice without a session id without one', async () => {
      const t = await freshWindow();
      const { sid: _sid, ...withoutSid } = notice();
      await outbox().add(withoutSid, t + 1);
      expect(await outbox().take(t + 1, t + 100, 10)).toEqual([{ ...withoutSid, attempt: 2, lease: expect.any(String) }]);
    });
  });
}
