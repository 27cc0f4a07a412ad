import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './types.ts';
import type { RedisSettings } from './redis/settings.ts';

export interface StoreOptions {
  /** Set: Redis (single server, Sentinel or Cluster). Unset: the embedded SQLite file under dataDir. */
  redis?: RedisSettings;
  redisPrefix: string;
  dataDir: string;
}

/** Loads only the chosen back end, so that a SQLite deployment never loads ioredis and vice versa. */
export async function openStore({ redis, redisPrefix, dataDir }: StoreOptions): Promise<Store> {
  if (redis) {
    const { openRedisStore } = await import('./redis/index.ts');
    return openRedisStore({ settings: redis, prefix: redisPrefix });
  }
  await mkdir(dataDir, { recursive: true });
  const { openSqliteStore } = await import('./sqlite/index.ts');
  return openSqliteStore({ file: join(dataDir, 'idp.sqlite') });
}
