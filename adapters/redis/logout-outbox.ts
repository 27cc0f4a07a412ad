import { randomUUID } from 'node:crypto';
import type { HeldLogoutNotice, LogoutOutbox, RedisClient } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * One sorted set, scored by when each notice is due: one key, so one slot on a
 * Cluster. A member is the notice with its attempt number, and is itself the
 * lease: taking a notice replaces its member, so an earlier holder's lease
 * names a member that is gone and changes nothing.
 */
interface Member {
  id: string;
  clientId: string;
  sub: string;
  sid?: string;
  attempt: number;
}

// Takes the earliest due members, each replaced by itself at the next attempt, due when the hold ends.
const takeLua = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local taken = {}
for i, member in ipairs(due) do
  local notice = cjson.decode(member)
  notice.attempt = notice.attempt + 1
  local moved = cjson.encode(notice)
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZADD', KEYS[1], ARGV[2], moved)
  taken[i] = moved
end
return taken`;

const held = (member: string): HeldLogoutNotice => {
  const { id: _id, ...notice } = JSON.parse(member) as Member;
  return { ...notice, lease: member };
};

export function redisLogoutOutbox(redis: RedisClient, keys: RedisKeys): LogoutOutbox {
  const take = defineScript<string[]>(redis, 'idpLogoutOutboxTake', takeLua);
  return {
    async add(notice, heldUntil) {
      const member = JSON.stringify({ id: randomUUID(), ...notice, attempt: 1 } satisfies Member);
      await redis.zadd(keys.logoutOutbox, heldUntil, member);
      return held(member);
    },
    async take(now, heldUntil, limit) {
      return (await take(keys.logoutOutbox, now, heldUntil, limit)).map(held);
    },
    async remove(lease) {
      await redis.zrem(keys.logoutOutbox, lease);
    },
    async postpone(lease, dueAt) {
      // XX: only while the member, this hold, is still there.
      await redis.zadd(keys.logoutOutbox, 'XX', dueAt, lease);
    },
  };
}
