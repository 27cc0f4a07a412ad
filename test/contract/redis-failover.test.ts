/**
 * A Sentinel failover in the middle of account writes (REDIS_WAIT_REPLICAS=1): no
 * write that a caller was told succeeded is lost, and the same store carries on.
 * The replica is frozen just before the master dies, so writes the replica never got
 * exist: without the wait for a replica they would have been confirmed, and lost.
 */
import { openRedisStore } from '../../adapters/redis/index.ts';
import { StoreUnavailableError, type Store, type StoredAccount } from '../../adapters/types.ts';
import { redisCli, sleep, stopAllRedisServers, waitUntil } from '../support/redis-servers.ts';
import { dataPassword, startSentinelSetup, type SentinelSetup } from '../support/redis-topologies.ts';
import { uniqueId } from './helpers.ts';

let setup: SentinelSetup;
let store: Store;
beforeAll(async () => {
  setup = await startSentinelSetup();
  store = await openRedisStore({ settings: { ...setup.settings, waitReplicas: 1 }, prefix: 'idp:' });
});
afterAll(async () => {
  await store?.close();
  await stopAllRedisServers();
});

/** Users enrolling: create an account, then save its second factor; records what each was told. */
function enrolmentsUntil(stopped: () => boolean) {
  const confirmed = new Map<string, StoredAccount>();
  const attempted = new Map<string, StoredAccount[]>();
  const failures: unknown[] = [];
  const succeededAfter = (time: number) => [...confirmed.values()].some((account) => (account.confirmedAt as number) > time);
  const user = async () => {
    while (!stopped()) {
      const created = { id: uniqueId('account'), email: `${uniqueId('user')}@cbs.nl`, version: 1, totp: null };
      const enrolled = { ...created, totp: 'sealed-secret', version: 2 };
      attempted.set(created.id, [created, enrolled]);
      try {
        await store.accounts.create(created);
        confirmed.set(created.id, { ...created, confirmedAt: Date.now() });
        await store.accounts.save({ ...created, totp: 'sealed-secret' });
        confirmed.set(created.id, { ...enrolled, confirmedAt: Date.now() });
      } catch (error) {
        failures.push(error);
        await sleep(50);
      }
    }
  };
  const users = Promise.all([1, 2, 3].map(user));
  return { users, confirmed, attempted, failures, succeededAfter };
}

test('a failover while accounts are written loses no confirmed write, and the same store carries on', async () => {
  let stopped = false;
  const run = enrolmentsUntil(() => stopped);
  const oldMasterPort = setup.master.port;
  await waitUntil('some enrolments', async () => run.confirmed.size >= 10);

  setup.replica.freeze();
  await sleep(700);
  await setup.master.kill('SIGKILL');
  const killedAt = Date.now();
  setup.replica.thaw();
  await waitUntil('the sentinels to promote the replica', async () => (await setup.masterPort()) !== oldMasterPort);
  // The operator brings the old node back as the new master's replica (the sentinels
  // would too, at their next 10-second look), so account writes are acknowledged again.
  await setup.master.start();
  await redisCli(setup.master.port, ['replicaof', '127.0.0.1', String(setup.replica.port)], dataPassword);
  await waitUntil('the old master to replicate the new one', async () =>
    (await redisCli(setup.master.port, ['info', 'replication'], dataPassword)).includes('master_link_status:up'),
  );
  await waitUntil('enrolments to succeed again', async () => run.succeededAfter(killedAt));
  stopped = true;
  await run.users;

  expect(run.failures.filter((error) => !(error instanceof StoreUnavailableError))).toEqual([]);
  for (const [id, { confirmedAt: _, ...told }] of run.confirmed) {
    const stored = await store.accounts.findById(id);
    // A write that failed may still have landed; one that succeeded must be there.
    const possible = run.attempted.get(id)!.filter((state) => state.version >= told.version);
    expect(possible).toContainEqual(stored);
  }
});
