/**
 * The production setting README asks for (AOF, fsync every second): what was written
 * more than a second before Redis is killed -9 is there after its restart.
 */
import { openRedisStore } from '../../adapters/redis/index.ts';
import type { Store, StoredAccount } from '../../adapters/types.ts';
import { sleep, startRedisServer, stopAllRedisServers, waitUntil } from '../support/redis-servers.ts';
import { uniqueId } from './helpers.ts';

let store: Store | undefined;
afterAll(async () => {
  await store?.close();
  await stopAllRedisServers();
});

test('with appendfsync everysec, every account created or saved more than a second before a kill -9 is there after the restart', async () => {
  const server = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'everysec']);
  store = await openRedisStore({ settings: { topology: { kind: 'single', url: `redis://127.0.0.1:${server.port}` } }, prefix: 'idp:' });
  const accounts: StoredAccount[] = [];
  for (let i = 0; i < 20; i++) {
    const account = { id: uniqueId('account'), email: `${uniqueId('user')}@cbs.nl`, version: 1, passwordHash: null };
    await store.accounts.create(account);
    // Half of them then get a password, as the set-password step saves it.
    accounts.push(i % 2 ? await store.accounts.save({ ...account, passwordHash: `$argon2id$${i}` }) : account);
  }

  await sleep(1500);
  await server.kill('SIGKILL');
  await server.start();
  await waitUntil('the store to answer again', async () => (await store!.ping()) === undefined);

  for (const account of accounts) expect(await store.accounts.findByEmail(account.email)).toEqual(account);
  expect(await store.accounts.countListed()).toBe(accounts.length);
  expect((await store.accounts.listed({ offset: 0 }, 100)).accounts).toEqual(expect.arrayContaining(accounts));
});
