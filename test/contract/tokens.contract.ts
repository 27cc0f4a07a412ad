import { inParallel, sleep, uniqueId, type StoreAccess } from './helpers.ts';

export function singleUseTokenContract(store: StoreAccess): void {
  describe('single-use token store', () => {
    const tokens = () => store().tokens;
    const purpose = 'password-reset';

    it('peeks without consuming, then takes exactly once', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60, { returnTo: '/done' });
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(true);
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(true);
      expect(await tokens().take(purpose, subject, 'hash-1')).toEqual({ data: { returnTo: '/done' } });
      expect(await tokens().take(purpose, subject, 'hash-1')).toBeUndefined();
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(false);
    });

    it('takes a token stored without data', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60);
      expect(await tokens().take(purpose, subject, 'hash-1')).toEqual({ data: undefined });
    });

    it('neither peeks nor takes with a wrong hash, and leaves the token live', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60);
      expect(await tokens().peek(purpose, subject, 'hash-2')).toBe(false);
      expect(await tokens().take(purpose, subject, 'hash-2')).toBeUndefined();
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(true);
    });

    it('voids the previous token on a new put', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'old-hash', 60, 'old');
      await tokens().put(purpose, subject, 'new-hash', 60, 'new');
      expect(await tokens().peek(purpose, subject, 'old-hash')).toBe(false);
      expect(await tokens().take(purpose, subject, 'old-hash')).toBeUndefined();
      expect(await tokens().take(purpose, subject, 'new-hash')).toEqual({ data: 'new' });
    });

    it('keeps purposes and subjects apart', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60);
      await tokens().put('webauthn-challenge', subject, 'hash-1', 60);
      await tokens().put(purpose, uniqueId('other-account'), 'hash-1', 60);
      expect(await tokens().take(purpose, subject, 'hash-1')).toBeDefined();
      expect(await tokens().peek('webauthn-challenge', subject, 'hash-1')).toBe(true);
    });

    it('drops the live token', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60);
      await tokens().drop(purpose, subject);
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(false);
      expect(await tokens().take(purpose, subject, 'hash-1')).toBeUndefined();
    });

    it('neither peeks nor takes an expired token', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 1);
      await sleep(1200);
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(false);
      expect(await tokens().take(purpose, subject, 'hash-1')).toBeUndefined();
    });

    it('lets exactly one of 50 parallel takes win', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60, 'payload');
      const outcomes = await inParallel(50, () => tokens().take(purpose, subject, 'hash-1'));
      const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value !== undefined);
      expect(taken).toEqual([{ status: 'fulfilled', value: { data: 'payload' } }]);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    });
  });
}
