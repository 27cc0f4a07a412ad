/**
 * A failover announced while the store is still looking for the master: the
 * sentinel it asks first does not answer (frozen), the master dies, and the other
 * two promote the replica and announce +switch-master in the middle of that search.
 * The store must find the new master by itself, without a restart (ioredis alone
 * ends the client for good there, and a frozen sentinel held the search forever).
 */
import { randomUUID } from 'node:crypto';
import { openRedisStore } from '../../adapters/redis/index.ts';
import type { Store } from '../../adapters/types.ts';
import { stopAllRedisServers, waitUntil } from '../support/redis-servers.ts';
import { startSentinelSetup, type SentinelSetup } from '../support/redis-topologies.ts';

let setup: SentinelSetup;
let store: Store;
beforeAll(async () => {
  setup = await startSentinelSetup();
  store = await openRedisStore({ settings: setup.settings, prefix: 'idp:' });
}, 30_000);
afterAll(async () => {
  await store?.close();
  await stopAllRedisServers();
});

const account = () => ({ id: randomUUID(), email: `${randomUUID()}@cbs.nl`, version: 1, totp: null });

test('the store follows a failover announced while its first sentinel does not answer', async () => {
  await store.accounts.create(account());
  const oldMasterPort = setup.master.port;

  setup.sentinels[0]!.freeze();
  try {
    await setup.master.kill('SIGKILL');
    await waitUntil('the other sentinels to promote the replica', async () => (await setup.masterPort(1)) !== oldMasterPort, 45_000);
    const after = account();
    await waitUntil(
      'the store to write again',
      async () => {
        await store.accounts.create(after);
        return true;
      },
      15_000,
    );
    expect(await store.accounts.findById(after.id)).toMatchObject(after);
    await expect(store.ping()).resolves.toBeUndefined();
  } finally {
    setup.sentinels[0]!.thaw();
  }
}, 90_000);
