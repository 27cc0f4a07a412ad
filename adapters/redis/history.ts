import type { AccountHistory, HistoryEntry, RedisClient } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * A stream per account. Entry ids are the entry's own time (the application's
 * clock, in ms), never below the newest id (a clock that stepped back still
 * adds in order); so the cap is MAXLEN and retention is MINID, both exact, in
 * the same script as the add. The stream expires `seconds` after its newest
 * entry: an account without events keeps nothing past retention.
 */
const addLua = `
local ms = tonumber(ARGV[1])
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if newest then
  local newestMs = tonumber(string.match(newest[1], '^(%d+)'))
  if newestMs > ms then ms = newestMs end
end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], string.format('%d-*', ms), 'e', ARGV[2])
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

type StreamEntry = [id: string, fields: string[]];

export function redisAccountHistory(redis: RedisClient, keys: RedisKeys): AccountHistory {
  const add = defineScript<number>(redis, 'idpHistoryAdd', addLua);
  return {
    async add(accountId, entry, keep) {
      // MINID keeps ids at or above it: what is `seconds` or more older than this entry goes.
      const oldestKept = (entry.at - keep.seconds) * 1000 + 1;
      await add(keys.history(accountId), entry.at * 1000, JSON.stringify(entry), keep.max, oldestKept, keep.seconds * 1000);
    },
    async read(accountId, limit, after) {
      const entries = (await redis.xrevrange(keys.history(accountId), '+', '-', 'COUNT', limit)) as StreamEntry[];
      return entries.map(([, fields]) => JSON.parse(fields[1]!) as HistoryEntry).filter((e) => e.at > after);
    },
    async erase(accountId) {
      await redis.del(keys.history(accountId));
    },
  };
}
