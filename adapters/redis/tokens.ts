import type { RedisClient, SingleUseTokenStore } from '../types.ts';
import { ttlMilliseconds, type RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

/** One hash per (purpose, subject): field = token hash, value = {data, exp (ms), seq}. */
interface StoredToken {
  data?: unknown;
  exp: number;
  seq: number;
}

// Adds a token, drops expired ones and the oldest beyond `keep`, and keeps the key alive as long as its newest token.
// A token put again under its own hash is the newest: it is not one of the others that `keep` counts.
const putLua = `
local now, keep = tonumber(ARGV[4]), tonumber(ARGV[5])
local live, seq = {}, 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local t = cjson.decode(all[i + 1])
  if t.seq > seq then seq = t.seq end
  if t.exp <= now then redis.call('HDEL', KEYS[1], all[i]) elseif all[i] ~= ARGV[1] then table.insert(live, { all[i], t.seq }) end
end
local token = cjson.decode(ARGV[2])
token.seq = seq + 1
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(token))
table.sort(live, function(a, b) return a[2] > b[2] end)
for i = keep, #live do redis.call('HDEL', KEYS[1], live[i][1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`;

const takeLua = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored or cjson.decode(stored).exp <= tonumber(ARGV[2]) then return false end
redis.call('DEL', KEYS[1])
return stored`;

export function redisTokenStore(redis: RedisClient, keys: RedisKeys): SingleUseTokenStore {
  const put = defineScript<number>(redis, 'idpTokenPut', putLua);
  const take = defineScript<string | null>(redis, 'idpTokenTakeAll', takeLua);

  return {
    async put(purpose, subject, hash, ttlSeconds, options = {}) {
      const ttl = ttlMilliseconds(ttlSeconds);
      const now = Date.now();
      await put(
        keys.singleUseToken(purpose, subject),
        hash,
        JSON.stringify({ data: options.data ?? null, exp: now + ttl, seq: 0 }),
        ttl,
        now,
        options.keep ?? 1,
      );
    },
    async peek(purpose, subject, hash) {
      const stored = await redis.hget(keys.singleUseToken(purpose, subject), hash);
      return stored !== null && (JSON.parse(stored) as StoredToken).exp > Date.now();
    },
    async take(purpose, subject, hash) {
      const stored = await take(keys.singleUseToken(purpose, subject), hash, Date.now());
      if (stored === null) return undefined;
      const { data } = JSON.parse(stored) as StoredToken;
      return { data: data === null ? undefined : data };
    },
    async drop(purpose, subject) {
      await redis.del(keys.singleUseToken(purpose, subject));
    },
  };
}
