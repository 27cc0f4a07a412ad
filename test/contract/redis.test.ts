import { openRedisStore } from '../../adapters/redis/index.ts';
import type { Store } from '../../adapters/types.ts';
import { describeStoreContract } from './store-contract.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `idp-test:${crypto.randomUUID()}:`;

async function deleteKeysOfThisRun(store: Store): Promise<void> {
  const redis = store.redis!;
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    for (const key of keys as string[]) await redis.del(key);
  }
}

describeStoreContract('redis', () => openRedisStore({ url, prefix }), deleteKeysOfThisRun);
