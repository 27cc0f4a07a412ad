/**
 * What users and operators see when Redis goes away: calls fail fast with the one
 * store error, nothing issued meanwhile is carried out later, and the same store
 * serves again once Redis is back. A throwaway server, killed and restarted here.
 */
import { openRedisStore } from '../../adapters/redis/index.ts';
import { StoreUnavailableError, type Store } from '../../adapters/types.ts';
import { startRedisServer, stopAllRedisServers, waitUntil, type RedisProcess } from '../support/redis-servers.ts';
import { uniqueId } from './helpers.ts';

let server: RedisProcess;
let store: Store;
const newAccount = () => ({ id: uniqueId('account'), email: `${uniqueId('user')}@cbs.nl`, version: 1 });

/** One call of each kind a request makes. */
const everyKindOfCall = (account = newAccount()) => ({
  'accounts.findByEmail': () => store.accounts.findByEmail(account.email),
  'accounts.create': () => store.accounts.create(account),
  'tokens.put': () => store.tokens.put('password-reset', account.id, 'hash', 60),
  'replay.claim': () => store.replay.claim(account.id, 'totp:123456', 90),
  'history.add': () => store.history.add(account.id, { at: 1_760_000_000, event: 'account.created' }, { max: 10, seconds: 86_400 }),
  'oidc upsert': () => store.oidcAdapter('Session').upsert(uniqueId('session'), { uid: uniqueId('uid') }, 60),
  'oidc revokeByGrantId': () => store.oidcAdapter('AccessToken').revokeByGrantId(uniqueId('grant')),
  ping: () => store.ping(),
});

/** Issues the calls at once, as concurrent requests would; returns those that did not reject with StoreUnavailableError within 1.5 s. */
async function callsNotFailingFast(calls: Record<string, () => Promise<unknown>>) {
  const answers = await Promise.all(
    Object.entries(calls).map(async ([name, call]) => {
      const started = performance.now();
      const error = await call().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      return { name, error, ms: Math.round(performance.now() - started) };
    }),
  );
  return answers
    .filter(({ error, ms }) => !(error instanceof StoreUnavailableError) || ms > 1500)
    .map(({ name, error, ms }) => ({ name, error: String(error), ms }));
}

/** Milliseconds until the store answers again, polled as a user would retry. */
async function recoveryTime(): Promise<number> {
  const started = performance.now();
  await waitUntil('the store to answer again', async () => (await store.accounts.findByEmail('probe@cbs.nl')) === undefined, 10000);
  return performance.now() - started;
}

beforeAll(async () => {
  server = await startRedisServer();
  store = await openRedisStore({ settings: { topology: { kind: 'single', url: `redis://127.0.0.1:${server.port}` } }, prefix: 'idp:' });
});
afterAll(async () => {
  await store?.close();
  await stopAllRedisServers();
});

test('with Redis killed, every store call rejects with StoreUnavailableError within 1.5 s; after a restart the same store serves again within seconds, and no write from the outage is carried out', async () => {
  await server.kill('SIGKILL');
  const duringOutage = newAccount();
  expect(await callsNotFailingFast(everyKindOfCall(duringOutage))).toEqual([]);

  await server.start();
  expect(await recoveryTime()).toBeLessThan(5000);
  expect(await store.accounts.findByEmail(duringOutage.email)).toBeUndefined();
  expect(await store.tokens.peek('password-reset', duringOutage.id, 'hash')).toBe(false);
  expect(await store.history.read(duringOutage.id, 10, 0)).toEqual([]);
  const afterwards = newAccount();
  await store.accounts.create(afterwards);
  expect(await store.accounts.findById(afterwards.id)).toEqual(afterwards);
});

test('with Redis frozen (no answer, connection open), calls reject within 1.5 s and the same store serves again once it answers', async () => {
  server.freeze();
  try {
    expect(await callsNotFailingFast(everyKindOfCall())).toEqual([]);
  } finally {
    server.thaw();
  }
  expect(await recoveryTime()).toBeLessThan(5000);
});
