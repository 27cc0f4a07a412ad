import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './types.ts';

export interface StoreOptions {
  /** Set: Redis. Unset: the embedded SQLite file under dataDir. */
  redisUrl?: string;
  redisPrefix: string;
  dataDir: string;
}

/** Loads only the chosen back end, so that a SQLite deployment never loads ioredis and vice versa. */
export async function openStore({ redisUrl, redisPrefix, dataDir }: StoreOptions): Promise<Store> {
  if (redisUrl) {
    const { openRedisStore } = await import('./redis/index.ts');
    return openRedisStore({ url: redisUrl, prefix: redisPrefix });
  }
  await mkdir(dataDir, { recursive: true });
  const { openSqliteStore } = await import('./sqlite/index.ts');
  return openSqliteStore({ file: join(dataDir, 'idp.sqlite') });
}
