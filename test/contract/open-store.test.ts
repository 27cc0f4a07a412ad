import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../adapters/index.ts';
import { dropKeys, REDIS_URL } from '../support/redis-keys.ts';

describe('openStore', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'idp-store-')), 'not', 'yet', 'there');
  });
  afterAll(async () => {
    await rm(join(dataDir, '..', '..', '..'), { recursive: true, force: true });
  });

  it('without a Redis URL keeps data in a SQLite file under the data directory, across reopening', async () => {
    const account = { id: 'account-1', email: 'ann@cbs.nl', version: 1 };
    const first = await openStore({ redisPrefix: 'unused:', dataDir });
    expect(first.kind).toBe('sqlite');
    await first.accounts.create(account);
    await first.close();

    const second = await openStore({ redisPrefix: 'unused:', dataDir });
    expect(await second.accounts.findById(account.id)).toEqual(account);
    await second.close();
  });

  it('with a Redis URL uses Redis', async () => {
    const prefix = `idp-test:${crypto.randomUUID()}:`;
    const store = await openStore({ redis: { topology: { kind: 'single', url: REDIS_URL } }, redisPrefix: prefix, dataDir });
    expect(store.kind).toBe('redis');
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await dropKeys(prefix);
  });

  it('rejects at once, naming REDIS_URL, when Redis cannot be reached', async () => {
    await expect(openStore({ redis: { topology: { kind: 'single', url: 'redis://127.0.0.1:1' } }, redisPrefix: 'unused:', dataDir })).rejects.toThrow(
      /REDIS_URL/,
    );
  });
});
