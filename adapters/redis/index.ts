import { Redis } from 'ioredis';
import type { Store } from '../types.ts';
import { redisKeys } from './keys.ts';
import { redisOidcAdapterFactory } from './oidc-adapter.ts';
import { redisAccountStore } from './accounts.ts';
import { redisTokenStore } from './tokens.ts';
import { redisReplayGuard } from './replay.ts';

export async function openRedisStore({ url, prefix }: { url: string; prefix: string }): Promise<Store> {
  const keys = redisKeys(prefix);
  // lazyConnect: the first connection attempt is awaited, so an unreachable Redis fails
  // start-up at once instead of after the offline queue's retries.
  const redis = new Redis(url, { enableAutoPipelining: true, lazyConnect: true });
  let connectionError: Error | undefined;
  const rememberError = (error: Error) => { connectionError = error; };
  redis.on('error', rememberError);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const { host, port } = redis.options;
    const reason = (connectionError ?? (error as Error)).message;
    throw new Error(`Redis at ${host}:${port} (REDIS_URL) cannot be reached: ${reason}`);
  } finally {
    redis.off('error', rememberError);
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
