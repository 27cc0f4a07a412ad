/**
 * One slow store call affects its own request only: a command Redis answers late
 * times out alone, and the requests on the same store (the same connection) before,
 * during and after it are answered. A proxy between the store and Redis holds one
 * command (and what follows it on the connection) for longer than the command timeout.
 */
import { openRedisStore } from '../../adapters/redis/index.ts';
import { commandTimeoutMs } from '../../adapters/redis/connection.ts';
import { StoreUnavailableError, type Store } from '../../adapters/types.ts';
import { startSlowProxy, type SlowProxy } from '../support/slow-proxy.ts';
import { REDIS_URL, dropKeys } from '../support/redis-keys.ts';
import { sleep, uniqueId } from './helpers.ts';

const prefix = `idp-slow:${crypto.randomUUID()}:`;
const marker = uniqueId('slow-marker');
const heldMs = commandTimeoutMs + 250;
let proxy: SlowProxy;
let store: Store;

beforeAll(async () => {
  proxy = await startSlowProxy(Number(new URL(REDIS_URL).port || 6379), marker, heldMs);
  store = await openRedisStore({ settings: { topology: { kind: 'single', url: `redis://127.0.0.1:${proxy.port}` } }, prefix });
});
afterAll(async () => {
  await store?.close();
  await proxy?.close();
  await dropKeys(prefix);
});

test('a command answered later than the timeout fails alone; the calls sent around it on the same store succeed', async () => {
  const account = { id: uniqueId('account'), email: `${uniqueId('user')}@cbs.nl`, version: 1 };
  await store.accounts.create(account);
  await store.tokens.put('password-reset', account.id, 'hash', 600);

  const slow = store.accounts.findByEmail(`${marker}@cbs.nl`).then(
    () => 'answered',
    (error: unknown) => error,
  );
  // Calls of other requests, every 40 ms from well after the slow one (so that the wait
  // behind it stays within their own timeout) until a second after it timed out.
  const others: Promise<string | undefined>[] = [];
  await sleep(heldMs - commandTimeoutMs + 200);
  const until = performance.now() + commandTimeoutMs + 1000;
  for (let i = 0; performance.now() < until; i++) {
    const call =
      i % 2
        ? store.accounts.findById(account.id).then((a) => (a?.id === account.id ? undefined : 'wrong account'))
        : store.tokens.peek('password-reset', account.id, 'hash').then((live) => (live ? undefined : 'token not live'));
    others.push(call.catch((error: unknown) => `${(error as Error).message} (call ${i})`));
    await sleep(40);
  }

  expect(proxy.heldAt).toBeDefined();
  expect(await slow).toBeInstanceOf(StoreUnavailableError);
  expect((await Promise.all(others)).filter(Boolean)).toEqual([]);
  expect(others.length).toBeGreaterThan(30);
  await expect(store.ping()).resolves.toBeUndefined();
});
