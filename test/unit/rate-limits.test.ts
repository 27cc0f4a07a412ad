import { createLimits, lockSeconds } from '../../src/security/rate-limits.ts';

describe('rate limits (in-process store)', () => {
  test('lockouts grow 1, 2, 4 … minutes, at most an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(lockSeconds)).toEqual([60, 120, 240, 480, 3600, 3600, 3600]);
  });

  test('points are taken before the attempt: the sixth parallel attempt is refused; success gives them back', async () => {
    const limits = createLimits(undefined, `unit-${process.pid}:`);
    const client = { account: 'a@example.org', ip: '192.0.2.1' };
    const taken = await Promise.all(Array.from({ length: 6 }, () => limits.takePasswordAttempt(client)));
    expect(taken.map((t) => t.kind)).toEqual(['taken', 'taken', 'taken', 'taken', 'taken', 'locked']);
    for (const t of taken) if (t.kind === 'taken') await t.attempt.succeeded();
    expect((await limits.takePasswordAttempt(client)).kind).toBe('taken');
  });

  test("a known device keeps its own budget when the account's is spent elsewhere", async () => {
    const limits = createLimits(undefined, `unit-device-${process.pid}:`);
    for (let i = 0; i < 50; i++) {
      const t = await limits.takePasswordAttempt({ account: 'b@example.org', ip: `198.51.100.${i}` });
      if (t.kind === 'taken') await t.attempt.failed();
    }
    expect((await limits.takePasswordAttempt({ account: 'b@example.org', ip: '192.0.2.9' })).kind).toBe('locked');
    expect((await limits.takePasswordAttempt({ account: 'b@example.org', ip: '192.0.2.9', knownDevice: 'device-1' })).kind).toBe('taken');
  });
});
