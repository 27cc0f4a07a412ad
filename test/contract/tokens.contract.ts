import { inParallel, sleep, uniqueId, type StoreAccess } from './helpers.ts';

export function singleUseTokenContract(store: StoreAccess): void {
  describe('single-use token store', () => {
    const tokens = () => store().tokens;
    const purpose = 'password-reset';

    it('peeks without consuming, then takes exactly once', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60, { data: { returnTo: '/done' } });
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
      await tokens().put(purpose, subject, 'old-hash', 60, { data: 'old' });
      await tokens().put(purpose, subject, 'new-hash', 60, { data: 'new' });
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

    it('keeps the newest `keep` tokens live; taking one voids the others', async () => {
      const subject = uniqueId('account');
      for (const hash of ['h1', 'h2', 'h3', 'h4']) await tokens().put(purpose, subject, hash, 60, { keep: 3 });
      expect(await tokens().peek(purpose, subject, 'h1')).toBe(false);
      for (const hash of ['h2', 'h3', 'h4']) expect(await tokens().peek(purpose, subject, hash)).toBe(true);
      expect(await tokens().take(purpose, subject, 'h3')).toEqual({ data: undefined });
      for (const hash of ['h2', 'h4']) expect(await tokens().take(purpose, subject, hash)).toBeUndefined();
    });

    it('keeps a token put twice under one hash live, with its newest data and lifetime', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 1, { data: 'first' });
      await tokens().put(purpose, subject, 'hash-1', 60, { data: 'second' });
      await sleep(1200);
      expect(await tokens().peek(purpose, subject, 'hash-1')).toBe(true);
      expect(await tokens().take(purpose, subject, 'hash-1')).toEqual({ data: 'second' });
    });

    it('counts distinct tokens for `keep`: putting a live hash again voids none of the others', async () => {
      const subject = uniqueId('account');
      for (const hash of ['h1', 'h2', 'h2', 'h1', 'h2']) await tokens().put(purpose, subject, hash, 60, { keep: 2 });
      for (const hash of ['h1', 'h2']) expect(await tokens().peek(purpose, subject, hash)).toBe(true);
      await tokens().put(purpose, subject, 'h3', 60, { keep: 2 });
      // h1 was put again after h2's first put, but h2 was put last: h1 is the oldest now.
      expect(await tokens().peek(purpose, subject, 'h1')).toBe(false);
      for (const hash of ['h2', 'h3']) expect(await tokens().peek(purpose, subject, hash)).toBe(true);
    });

    it('drop voids every live token of the pair, and no other pair', async () => {
      const [subject, other] = [uniqueId('account'), uniqueId('account')];
      await tokens().put(purpose, subject, 'h1', 60, { keep: 3 });
      await tokens().put(purpose, subject, 'h2', 60, { keep: 3 });
      await tokens().put(purpose, other, 'h1', 60);
      await tokens().drop(purpose, subject);
      expect(await tokens().peek(purpose, subject, 'h1')).toBe(false);
      expect(await tokens().peek(purpose, subject, 'h2')).toBe(false);
      expect(await tokens().peek(purpose, other, 'h1')).toBe(true);
    });

    it('lets exactly one of 50 parallel takes win', async () => {
      const subject = uniqueId('account');
      await tokens().put(purpose, subject, 'hash-1', 60, { data: 'payload' });
      const outcomes = await inParallel(50, () => tokens().take(purpose, subject, 'hash-1'));
      const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value !== undefined);
      expect(taken).toEqual([{ status: 'fulfilled', value: { data: 'payload' } }]);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    });
  });
}
