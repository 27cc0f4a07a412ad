import type { RedisClient, SingleUseTokenStore } from '../types.ts';
import { ttlMilliseconds, type RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

interface StoredToken { hash: string; data?: unknown }

const takeLua = `
local stored = redis.call('GET', KEYS[1])
if not stored or cjson.decode(stored).hash ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return stored`;

export function redisTokenStore(redis: RedisClient, keys: RedisKeys): SingleUseTokenStore {
  const take = defineScript<string | null>(redis, 'idpTokenTake', takeLua);

  return {
    async put(purpose, subject, hash, ttlSeconds, data) {
      const token: StoredToken = { hash, data };
      // One key per (purpose, subject): SET replaces any earlier token.
      await redis.set(keys.singleUseToken(purpose, subject), JSON.stringify(token), 'PX', ttlMilliseconds(ttlSeconds));
    },
    async peek(purpose, subject, hash) {
      const stored = await redis.get(keys.singleUseToken(purpose, subject));
      return stored !== null && (JSON.parse(stored) as StoredToken).hash === hash;
    },
    async take(purpose, subject, hash) {
      const stored = await take(keys.singleUseToken(purpose, subject), hash);
      return stored === null ? undefined : { data: (JSON.parse(stored) as StoredToken).data };
    },
    async drop(purpose, subject) {
      await redis.del(keys.singleUseToken(purpose, subject));
    },
  };
}
