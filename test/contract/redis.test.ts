import { openRedisStore } from '../../adapters/redis/index.ts';
import type { Store } from '../../adapters/types.ts';
import { describeStoreContract } from './store-contract.ts';

// The shared Redis of the machine: only this run's keys, found by their prefix, are removed.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `idp-test:${crypto.randomUUID()}:`;

async function deleteKeysOfThisRun(store: Store): Promise<void> {
  const redis = store.redis as import('ioredis').Redis;
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    for (const key of keys as string[]) await redis.del(key);
  }
}

describeStoreContract('redis', () => openRedisStore({ settings: { topology: { kind: 'single', url } }, prefix }), deleteKeysOfThisRun);
