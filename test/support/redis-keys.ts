import { Redis } from 'ioredis';

/** The machine's shared Redis: tests keep their keys under a random prefix of their own. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Removes every key under this test prefix, and nothing else: the shared Redis
 * is never flushed. SCAN, not KEYS, so that other runs on it are not blocked.
 */
export async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}
