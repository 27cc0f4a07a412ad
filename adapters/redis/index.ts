import { Redis } from 'ioredis';
import type { Store } from '../types.ts';
import { redisKeys } from './keys.ts';
import { redisOidcAdapterFactory } from './oidc-adapter.ts';
import { redisAccountStore } from './accounts.ts';
import { redisTokenStore } from './tokens.ts';
import { redisReplayGuard } from './replay.ts';

export async function openRedisStore({ url, prefix }: { url: string; prefix: string }): Promise<Store> {
  const keys = redisKeys(prefix);
  const redis = new Redis(url, { enableAutoPipelining: true });
  try {
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const { host, port } = redis.options;
    throw new Error(`Redis at ${host}:${port} (REDIS_URL) cannot be reached: ${(error as Error).message}`);
  }
  return {
    kind: 'redis',
    accounts: redisAccountStore(redis, keys),
    tokens: redisTokenStore(redis, keys),
    replay: redisReplayGuard(redis, keys),
    oidcAdapter: redisOidcAdapterFactory(redis, keys),
    redis,
    async ping() {
      // A readiness probe must answer now, not after the offline queue's retries.
      if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
      await redis.ping();
    },
    async close() {
      await redis.quit();
    },
  };
}
