import type { Adapter, AdapterPayload, OidcAdapterFactory, RedisClient } from '../types.ts';
import { epochSeconds, grantableModels } from '../shared/oidc-models.ts';
import { ttlMilliseconds, type RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';
import { hashFields } from './hash-fields.ts';

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

// The whole write of one model instance in one command (was MULTI DEL HSET PEXPIRE EXEC).
const writeLua = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'payload', ARGV[1])
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

export function redisOidcAdapterFactory(redis: RedisClient, keys: RedisKeys): OidcAdapterFactory {
  const consume = defineScript<number>(redis, 'idpOidcConsume', consumeLua);
  const indexGrantMember = defineScript<number>(redis, 'idpOidcIndexGrantMember', indexGrantMemberLua);
  const writePayload = defineScript<number>(redis, 'idpOidcWrite', writeLua);

  const setIndex = (key: string, id: string, ttlMs: number | undefined) => (ttlMs === undefined ? redis.set(key, id) : redis.set(key, id, 'PX', ttlMs));

  return (model: string): Adapter => {
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      const [payload, consumed] = await hashFields(redis, keys.oidc(model, id), 'payload', 'consumed');
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
        // Indexes and write issued in the same tick: auto-pipelining sends them in one
        // socket write, in this order, so a single Redis applies the index first.
        const indexes: Promise<unknown>[] = [];
        if (grantableModels.has(model) && payload.grantId) {
          indexes.push(indexGrantMember(keys.grant(payload.grantId), key, ttlMs ?? ''));
        }
        if (model === 'Session' && payload.uid) indexes.push(setIndex(keys.sessionUid(payload.uid), id, ttlMs));
        if (payload.userCode) indexes.push(setIndex(keys.userCode(model, payload.userCode), id, ttlMs));
        const write = writePayload(key, JSON.stringify(payload), ttlMs ?? '');
        const [indexed, written] = await Promise.allSettled([Promise.all(indexes), write]);
        if (indexed.status === 'rejected') {
          // A token its grant's revocation could not find must not stay. Not awaited: the
          // caller learns of the failure now, not one more command timeout later.
          redis.del(key).catch(() => {});
          throw indexed.reason;
        }
        if (written.status === 'rejected') throw written.reason;
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
        // The tokens live in other slots than their index, so this cannot be one atomic
        // step. Tokens go first, one DEL each, and leave the index only once deleted:
        // a revocation cut short leaves them listed, for the next attempt to find. A
        // token indexed meanwhile stays listed too (SREM, not DEL).
        const indexKey = keys.grant(grantId);
        const tokenKeys = await redis.smembers(indexKey);
        if (tokenKeys.length === 0) return;
        await Promise.all(tokenKeys.map((tokenKey) => redis.del(tokenKey)));
        await redis.srem(indexKey, ...tokenKeys);
      },
    };
  };
}
