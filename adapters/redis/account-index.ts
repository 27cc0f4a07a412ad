import { createHash } from 'node:crypto';
import type { RedisClient, StoredAccount } from '../types.ts';
import { indexedFields } from '../shared/account-index.ts';
import { listCursor } from '../shared/list-cursor.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * The account indexes on Redis. Each index is a key of its own (its own Cluster
 * slot), so it cannot be written in one transaction with the account: an entry is
 * a hint that a reader checks against the account document it names. The member
 * of every entry names its account, so entries of one account never collide:
 *
 * - {ix:list}: sorted set, every score 0, members "<folded address>\0<id>": listings, and searches by address;
 * - {ix:names}: the same, "<folded name from a word on>\0<id>": searches by name;
 * - {ix:invitations}: like {ix:list}, accounts with an open invitation;
 * - {ix:end-checks}: sorted by endCheckAt, members "<id>\0<endCheckAt>";
 * - {x:<externalId>}: a set of the ids of the accounts with that externalId.
 *
 * A write whose entries change announces them on the account first ("pending",
 * with the time), adds them, writes the account (if it is still at the version
 * read, and the announcement has not lapsed), then removes the entries the account
 * no longer has. Whoever removes an entry (that write, a write that lost the race,
 * a reader that found a stale hint, a reindex) does so only when neither the account
 * nor a live announcement wants it, and asks again afterwards, putting it back if
 * one now does. So an entry the account wants is never missing, an entry it does
 * not want is only ever an extra hint, and a write cut short at any step heals.
 */
export type Entry = readonly ['z', string, string, number] | readonly ['s', string, string];

export function entriesOf(account: StoredAccount, keys: RedisKeys): Entry[] {
  const f = indexedFields(account);
  const { id } = account;
  if (f.listKey === undefined) return [];
  const listed = listCursor(f.listKey, id);
  return [
    ['z', keys.accountIndex('list'), listed, 0],
    ...f.nameTerms.map((term): Entry => ['z', keys.accountIndex('names'), `${term}\u0000${id}`, 0]),
    ...(f.invited ? [['z', keys.accountIndex('invitations'), listed, 0] as const] : []),
    ...(f.endCheckAt !== undefined ? [['z', keys.accountIndex('end-checks'), `${id}\u0000${f.endCheckAt}`, f.endCheckAt] as const] : []),
    ...(f.externalId !== undefined ? [['s', keys.externalId(f.externalId), id] as const] : []),
  ];
}

export const entryId = (entry: Entry) => JSON.stringify(entry);

/** What the account stores to tell whether its entries changed. */
export const entriesHash = (entries: Entry[]) => createHash('sha256').update(entries.map(entryId).sort().join('\n')).digest('base64url').slice(0, 22);

/** Entries as announced (a JSON array, as the account hash keeps them). */
export const parseEntries = (json: string): Entry[] => (json ? (JSON.parse(json) as Entry[]) : []);

// KEYS[1]: the account hash. Replies its document ('' if none) and the entries a live
// announcement holds ('[]' if none), judged by Redis' own clock.
const wantedLua = `
local s = redis.call('HMGET', KEYS[1], 'document', 'pending', 'pendingAt')
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local live = s[3] and now - tonumber(s[3]) < tonumber(ARGV[1])
return {s[1] or '', live and s[2] or '[]'}`;

export interface AccountIndex {
  /** How long an announcement protects its entries. */
  announcementMs: number;
  add(entries: Entry[]): Promise<void>;
  /** Removes those of `entries` that account `id` neither has nor has announced, as described above. */
  removeUnwanted(id: string, entries: Entry[]): Promise<void>;
}

export function redisAccountIndex(redis: RedisClient, keys: RedisKeys, announcementMs: number): AccountIndex {
  const wantedState = defineScript<[string, string]>(redis, 'idpAccountIndexWanted', wantedLua);
  const wanted = async (id: string) => {
    const [document, announced] = await wantedState(keys.account(id), announcementMs);
    const current = document ? entriesOf({ ...(JSON.parse(document) as StoredAccount), id }, keys) : [];
    return new Set([...current, ...parseEntries(announced)].map(entryId));
  };
  const add = async (entries: Entry[]) => {
    await Promise.all(entries.map((e) => (e[0] === 'z' ? redis.zadd(e[1], e[3], e[2]) : redis.sadd(e[1], e[2]))));
  };
  const remove = async (entries: Entry[]) => {
    await Promise.all(entries.map((e) => (e[0] === 'z' ? redis.zrem(e[1], e[2]) : redis.srem(e[1], e[2]))));
  };
  return {
    announcementMs,
    add,
    async removeUnwanted(id, entries) {
      if (!entries.length) return;
      const before = await wanted(id);
      const unwanted = [...new Map(entries.filter((e) => !before.has(entryId(e))).map((e) => [entryId(e), e])).values()];
      if (!unwanted.length) return;
      await remove(unwanted);
      const after = await wanted(id);
      await add(unwanted.filter((e) => after.has(entryId(e))));
    },
  };
}
