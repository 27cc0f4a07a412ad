import { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { PlainAccount, PlainStore } from './plain-store.ts';

const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
const consumable = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * The same-store baseline on Redis: the adapter node-oidc-provider's own
 * example shipped (example/adapters/redis.js, up to v8), written again for
 * ioredis: one key per model and id with the JSON payload (a hash with a
 * `consumed` field for the consumable models), a list of token keys per
 * grant, uid and user-code indexes, and each upsert one MULTI. Where the
 * example read the grant list's TTL before its MULTI (a race), EXPIRE NX and
 * EXPIRE GT do it inside. The connection has our service's settings
 * (auto-pipelining), so that the two differ by what they send, not by how.
 * Accounts are one JSON key each, with an e-mail index.
 */
export async function plainRedisStore(url: string, prefix: string): Promise<PlainStore> {
  const client = new Redis(url, { keyPrefix: prefix, enableAutoPipelining: true, lazyConnect: true });
  await client.connect();

  class RedisAdapter implements Adapter {
    private readonly name: string;
    constructor(name: string) {
      this.name = name;
    }

    private key(id: string) {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const key = this.key(id);
      const multi = client.multi();
      if (consumable.has(this.name)) multi.hset(key, 'payload', JSON.stringify(payload));
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);
      if (grantable.has(this.name) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        multi.rpush(grantKey, key);
        if (expiresIn) multi.expire(grantKey, expiresIn, 'NX').expire(grantKey, expiresIn, 'GT');
      }
      if (payload.userCode) multi.set(`userCode:${payload.userCode}`, id, 'EX', expiresIn);
      if (payload.uid) multi.set(`uid:${payload.uid}`, id, 'EX', expiresIn);
      await multi.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!consumable.has(this.name)) {
        const data = await client.get(this.key(id));
        return data === null ? undefined : (JSON.parse(data) as AdapterPayload);
      }
      const { payload, consumed } = await client.hgetall(this.key(id));
      if (payload === undefined) return undefined;
      return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed ? { consumed: Number(consumed) } : {}) };
    }

    async findByUid(uid: string) {
      const id = await client.get(`uid:${uid}`);
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string) {
      const id = await client.get(`userCode:${userCode}`);
      return id === null ? undefined : this.find(id);
    }

    async destroy(id: string) {
      await client.del(this.key(id));
    }

    async revokeByGrantId(grantId: string) {
      const grantKey = `grant:${grantId}`;
      const tokens = await client.lrange(grantKey, 0, -1);
      const multi = client.multi();
      for (const token of tokens) multi.del(token);
      await multi.del(grantKey).exec();
    }

    async consume(id: string) {
      await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }
  }

  const byId = async (id: string) => {
    const json = await client.get(`account:${id}`);
    return json === null ? undefined : (JSON.parse(json) as PlainAccount);
  };
  return {
    adapter: RedisAdapter,
    redis: client,
    accounts: {
      async put(account) {
        await client.multi().set(`account:${account.id}`, JSON.stringify(account)).set(`email:${account.email}`, account.id).exec();
      },
      byId,
      async byEmail(email) {
        const id = await client.get(`email:${email}`);
        return id === null ? undefined : byId(id);
      },
    },
    async close() {
      client.disconnect();
    },
  };
}
