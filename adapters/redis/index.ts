import type { Store } from '../types.ts';
import { guardStore } from '../shared/unavailable.ts';
import { redisKeys } from './keys.ts';
import { redisOidcAdapterFactory } from './oidc-adapter.ts';
import { redisAccountStore, type AccountStoreOptions } from './accounts.ts';
import { redisTokenStore } from './tokens.ts';
import { redisReplayGuard } from './replay.ts';
import { connectRedis, dropConnectionOnTimeout } from './connection.ts';
import { replicaAcknowledgement } from './replicas.ts';
import type { RedisSettings } from './settings.ts';

export interface RedisStoreOptions extends Partial<Pick<AccountStoreOptions, 'claimLeaseMs'>> {
  settings: RedisSettings;
  prefix: string;
}

export async function openRedisStore({ settings, prefix, claimLeaseMs }: RedisStoreOptions): Promise<Store> {
  const keys = redisKeys(prefix);
  const redis = await connectRedis(settings);
  const acknowledged = replicaAcknowledgement(redis, settings.waitReplicas ?? 0);
  const store: Store = {
    kind: 'redis',
    accounts: redisAccountStore(redis, keys, { acknowledged, claimLeaseMs }),
    tokens: redisTokenStore(redis, keys),
    replay: redisReplayGuard(redis, keys),
    oidcAdapter: redisOidcAdapterFactory(redis, keys),
    redis,
    async ping() {
      // A readiness probe must answer now, not once a reconnect has succeeded.
      if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
      await redis.ping();
    },
    async close() {
      // QUIT needs a live connection; without one there is nothing to close politely.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  return guardStore(store, dropConnectionOnTimeout(redis));
}
