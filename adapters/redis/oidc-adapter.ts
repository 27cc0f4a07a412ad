import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload, OidcAdapterFactory } from '../types.ts';
import { epochSeconds, grantableModels } from '../shared/oidc-models.ts';
import { ttlMilliseconds, type RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

const consumeLua = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], 'consumed', ARGV[1])`;

// Adds a token key to its grant's index and raises the index's TTL to cover the token,
// in one atomic step. EXPIRE GT alone would leave a new set without any TTL, hence the
// EXISTS; an empty TTL marks a token that never expires, which keeps the index forever.
const indexGrantMemberLua = `
local existed = redis.call('EXISTS', KEYS[1]) == 1
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] == '' then return redis.call('PERSIST', KEYS[1]) end
if existed then return redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT') end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

const takeGrantMembersLua = `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return members`;

export function redisOidcAdapterFactory(redis: Redis, keys: RedisKeys): OidcAdapterFactory {
  const consume = defineScript<number>(redis, 'idpOidcConsume', consumeLua);
  const indexGrantMember = defineScript<number>(redis, 'idpOidcIndexGrantMember', indexGrantMemberLua);
  const takeGrantMembers = defineScript<string[]>(redis, 'idpOidcTakeGrantMembers', takeGrantMembersLua);

  const setIndex = (key: string, id: string, ttlMs: number | undefined) =>
    ttlMs === undefined ? redis.set(key, id) : redis.set(key, id, 'PX', ttlMs);

  return (model: string): Adapter => {
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      const [payload, consumed] = await redis.hmget(keys.oidc(model, id), 'payload', 'consumed');
      if (payload === null) return undefined;
      const parsed = JSON.parse(payload) as AdapterPayload;
      return consumed === null ? parsed : { ...parsed, consumed: Number(consumed) };
    };
    const findIndexed = async (indexKey: string) => {
      const id = await redis.get(indexKey);
      return id === null ? undefined : find(id);
    };

    return {
      async upsert(id, payload, expiresIn) {
        const key = keys.oidc(model, id);
        const ttlMs = expiresIn === undefined ? undefined : ttlMilliseconds(expiresIn);
        // Indexes first: a token must never exist that its grant's revocation cannot find.
        const indexes: Promise<unknown>[] = [];
        if (grantableModels.has(model) && payload.grantId) {
          indexes.push(indexGrantMember(keys.grant(payload.grantId), key, ttlMs ?? ''));
        }
        if (model === 'Session' && payload.uid) indexes.push(setIndex(keys.sessionUid(payload.uid), id, ttlMs));
        if (payload.userCode) indexes.push(setIndex(keys.userCode(model, payload.userCode), id, ttlMs));
        await Promise.all(indexes);

        const write = redis.multi().del(key).hset(key, 'payload', JSON.stringify(payload));
        if (ttlMs !== undefined) write.pexpire(key, ttlMs);
        for (const [error] of (await write.exec()) ?? []) if (error) throw error;
      },
      find,
      findByUid: (uid) => findIndexed(keys.sessionUid(uid)),
      findByUserCode: (userCode) => findIndexed(keys.userCode(model, userCode)),
      async consume(id) {
        await consume(keys.oidc(model, id), epochSeconds());
      },
      async destroy(id) {
        await redis.del(keys.oidc(model, id));
      },
      async revokeByGrantId(grantId) {
        const tokenKeys = await takeGrantMembers(keys.grant(grantId));
        // One DEL per key: the tokens live in different slots.
        await Promise.all(tokenKeys.map((tokenKey) => redis.del(tokenKey)));
      },
    };
  };
}
