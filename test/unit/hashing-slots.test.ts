import { hashingConcurrency, hashingSlots } from '../../src/accounts/hashing-slots.ts';
import { hashPassword, verifyPassword } from '../../src/accounts/password-hash.ts';
import { ClientGone } from '../../src/errors.ts';

/** A computation that runs until the test lets it finish. */
function held(name: string, log: string[]) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    finish: () => finish(),
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('argon2 slots', () => {
  test('one computation per core, keeping a thread of the pool free', () => {
    expect(hashingConcurrency(2, 4)).toBe(2);
    expect(hashingConcurrency(8, 4)).toBe(3);
    expect(hashingConcurrency(8, 16)).toBe(8);
    expect(hashingConcurrency(1, 4)).toBe(1);
    expect(hashingConcurrency(4, 1)).toBe(1);
  });

  test('at most that many run at once; the rest start in arrival order as slots free up', async () => {
    const slot = hashingSlots(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => held(n, log));
    const results = [a, b, c, d].map((h) => slot(h!.work));
    await settled();
    expect(log).toEqual(['start a', 'start b']);
    b!.finish();
    await settled();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a!.finish();
    c!.finish();
    d!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a computation whose browser left while it waited never starts, and its slot goes to the next', async () => {
    const slot = hashingSlots(1);
    const log: string[] = [];
    const [first, gone, next] = ['first', 'gone', 'next'].map((n) => held(n, log));
    const browser = new AbortController();
    const running = slot(first!.work);
    const abandoned = slot(gone!.work, browser.signal);
    const following = slot(next!.work);
    browser.abort();
    first!.finish();
    await expect(abandoned).rejects.toBeInstanceOf(ClientGone);
    next!.finish();
    expect(await Promise.all([running, following])).toEqual(['first', 'next']);
    expect(log).toEqual(['start first', 'end first', 'start next', 'end next']);
  });

  test('verifyPassword: right and wrong passwords as before; none computed for a browser already gone', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    await expect(verifyPassword(hash, 'correct horse battery staple', AbortSignal.abort())).rejects.toBeInstanceOf(ClientGone);
  });
});
