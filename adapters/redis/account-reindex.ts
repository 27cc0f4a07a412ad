import { Cluster } from 'ioredis';
import { StaleAccountError, type AccountStore, type RedisClient, type StoredAccount } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { entriesHash, entriesOf, parseEntries, type AccountIndex, type Entry } from './account-index.ts';
import { verifiedBy } from './account-queries.ts';
import { defineScript } from './script.ts';
import { hashFields } from './hash-fields.ts';

const BATCH = 500;

// KEYS[1]: an account hash. Notes the hash of its entries, if it is still at the version read.
const markIndexedLua = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'indexed', ARGV[2])
return 1`;

// KEYS[1]: an account hash. A create cut short after its announcement left a hash with
// nothing but that: once the announcement lapsed, replies its entries and removes it.
const dropLapsedLua = `
local s = redis.call('HMGET', KEYS[1], 'version', 'pending', 'pendingAt')
if s[1] then return false end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if s[3] and now - tonumber(s[3]) < tonumber(ARGV[1]) then return false end
redis.call('DEL', KEYS[1])
return s[2] or '[]'`;

/** Every master's keys matching `pattern`, a batch at a time (SCAN: nothing blocks Redis). */
async function* scanned(redis: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    for await (const keys of node.scanStream({ match: pattern, count: BATCH })) if ((keys as string[]).length) yield keys as string[];
  }
}

/**
 * Index entries come from the accounts (an account written by a release before the
 * indexes is in the id set that release kept); with `all`, every account is indexed
 * again, and every index entry is checked against its account (removed if stale).
 */
export function redisAccountReindex(
  redis: RedisClient,
  keys: RedisKeys,
  index: AccountIndex,
  save: (account: StoredAccount) => Promise<unknown>,
): AccountStore['reindex'] {
  const markIndexed = defineScript<number>(redis, 'idpAccountMarkIndexed', markIndexedLua);
  const dropLapsed = defineScript<string | null>(redis, 'idpAccountDropLapsed', dropLapsedLua);
  const verified = verifiedBy(redis, keys, index);

  /** Adds the entries of these accounts, and notes them on each account that is still at the version read. */
  const indexAccounts = async (ids: string[], all: boolean, upgrade?: (account: StoredAccount) => StoredAccount | undefined) => {
    await Promise.all(
      ids.map(async (id) => {
        const [version, document, indexed] = await hashFields(redis, keys.account(id), 'version', 'document', 'indexed');
        if (version === null || document === null) {
          const announced = await dropLapsed(keys.account(id), index.announcementMs);
          if (announced) await index.removeUnwanted(id, parseEntries(announced));
          return;
        }
        const account = { ...(JSON.parse(document) as StoredAccount), id, version: Number(version) };
        const upgraded = upgrade?.(account);
        // The save writes the indexes too; one that lost to another write leaves that write's.
        if (upgraded)
          return void (await save(upgraded).catch((err: unknown) => {
            if (!(err instanceof StaleAccountError)) throw err;
          }));
        const entries = entriesOf(account, keys);
        const hash = entriesHash(entries);
        if (!all && indexed === hash) return;
        await index.add(entries);
        await markIndexed(keys.account(id), version, hash);
      }),
    );
  };

  /** Checks every entry of a sorted-set index against its account, a batch at a time. */
  const sweepSorted = async (key: string, idOf: (member: string) => string, scoreOf: (member: string) => number) => {
    let members: string[] = [];
    const check = async () => {
      await verified(members.map((m) => ({ id: idOf(m), entry: ['z', key, m, scoreOf(m)] as Entry })));
      members = [];
    };
    for await (const batch of redis.zscanStream(key, { count: BATCH })) {
      const flat = batch as string[];
      for (let i = 0; i < flat.length; i += 2) members.push(flat[i]!);
      if (members.length >= BATCH) await check();
    }
    await check();
  };

  return async ({ all, progress, upgrade }) => {
    let done = 0;
    const indexed = async (ids: string[]) => {
      await indexAccounts(ids, all, upgrade);
      done += ids.length;
      progress?.(done);
    };
    for await (const ids of redis.sscanStream(keys.accountIds, { count: BATCH })) {
      if (!(ids as string[]).length) continue;
      await indexed(ids as string[]);
      await redis.srem(keys.accountIds, ...(ids as string[]));
    }
    if (!all) return done;
    for await (const batch of scanned(redis, keys.matching('a'))) await indexed(batch.map(keys.idOf));
    const before = (m: string) => m.slice(0, m.indexOf('\u0000'));
    const after = (m: string) => m.slice(m.indexOf('\u0000') + 1);
    for (const name of ['list', 'names', 'invitations'] as const) await sweepSorted(keys.accountIndex(name), after, () => 0);
    await sweepSorted(keys.accountIndex('end-checks'), before, (m) => Number(after(m)));
    for await (const batch of scanned(redis, keys.matching('x'))) {
      for (const key of batch) await verified((await redis.smembers(key)).map((id) => ({ id, entry: ['s', key, id] })));
    }
    return done;
  };
}
