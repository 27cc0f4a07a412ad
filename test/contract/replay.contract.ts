import { inParallel, sleep, uniqueId, type StoreAccess } from './helpers.ts';

export function replayGuardContract(store: StoreAccess): void {
  describe('replay guard', () => {
    const replay = () => store().replay;

    it('grants a marker to the first claim only', async () => {
      const subject = uniqueId('account');
      expect(await replay().claim(subject, 'totp:123456', 90)).toBe(true);
      expect(await replay().claim(subject, 'totp:123456', 90)).toBe(false);
      expect(await replay().claim(subject, 'totp:654321', 90)).toBe(true);
      expect(await replay().claim(uniqueId('other-account'), 'totp:123456', 90)).toBe(true);
    });

    it('grants a marker to exactly one of 50 concurrent claims', async () => {
      const subject = uniqueId('account');
      const outcomes = await inParallel(50, () => replay().claim(subject, 'recovery:abcd-efgh', 90));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value)).toHaveLength(1);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    });

    it('grants the marker again once it has expired', async () => {
      const subject = uniqueId('account');
      expect(await replay().claim(subject, 'totp:123456', 1)).toBe(true);
      await sleep(1200);
      expect(await replay().claim(subject, 'totp:123456', 1)).toBe(true);
    });
  });
}
