import type { RedisClient } from '../types.ts';

/**
 * HMGET as a tuple: Redis answers one value for each field asked, in order (null where the
 * hash has none), which ioredis' `(string | null)[]` cannot say.
 */
export async function hashFields<const Fields extends readonly string[]>(
  redis: RedisClient,
  key: string,
  ...fields: Fields
): Promise<{ [I in keyof Fields]: string | null }> {
  return (await redis.hmget(key, ...fields)) as { [I in keyof Fields]: string | null };
}
