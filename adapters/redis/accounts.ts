import { DuplicateEmailError, StaleAccountError, type AccountStore, type RedisClient, type StoredAccount } from '../types.ts';
import { emailKey } from '../shared/email-key.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';
import { entriesHash, entriesOf, entryId, parseEntries, redisAccountIndex } from './account-index.ts';
import { redisAccountQueries } from './account-queries.ts';
import { redisAccountReindex } from './account-reindex.ts';
import { readAccount } from './account-read.ts';

type WriteOutcome = ['saved', string] | ['stale'] | ['email-changed', string] | ['lapsed'] | ['index-changed', string, string, string];

// KEYS[1]: the account hash. ARGV: [1] the version it must have ('' = must not exist),
// [2] the new version, [3] the e-mail key, [4] the document, [5] '1' when the caller
// holds the claim on a changed e-mail key, [6] the hash of the account's index entries,
// [7] those entries (JSON), [8] '1' once the caller announced and added them, [9] how
// long an announcement holds (ms). Replies with the e-mail key the account had before;
// 'index-changed' (entries announced, nothing written) with its document and the entries
// announced before; 'lapsed' when the caller's announcement ran out before this write.
const writeAccountLua = `
local stored = redis.call('HMGET', KEYS[1], 'version', 'emailKey', 'indexed', 'pending', 'pendingAt', 'document')
if (stored[1] or '') ~= ARGV[1] then return {'stale'} end
local previous = stored[2] or ARGV[3]
if previous ~= ARGV[3] and ARGV[5] ~= '1' then return {'email-changed', previous} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[8] == '1' then
  if not stored[5] or now - tonumber(stored[5]) >= tonumber(ARGV[9]) then return {'lapsed'} end
elseif (stored[3] or '') ~= ARGV[6] then
  local pending = stored[4] or '[]'
  if #ARGV[7] > 2 then pending = #pending > 2 and (string.sub(pending, 1, -2) .. ',' .. string.sub(ARGV[7], 2)) or ARGV[7] end
  redis.call('HSET', KEYS[1], 'pending', pending, 'pendingAt', now)
  return {'index-changed', previous, stored[6] or '', stored[4] or '[]'}
end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'emailKey', ARGV[3], 'document', ARGV[4], 'indexed', ARGV[6])
if ARGV[8] == '1' then redis.call('HDEL', KEYS[1], 'pending', 'pendingAt') end
return {'saved', previous}`;

const releaseIfHeldByLua = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

// Makes a create's lease on its e-mail key permanent, or takes the key again when the
// lease ran out unused. 0: another account holds the address now.
const confirmClaimLua = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PERSIST', KEYS[1]) return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

export interface AccountStoreOptions {
  /** Resolves once the account writes so far are safe from a failover (replicas). */
  acknowledged: () => Promise<void>;
  /**
   * How long a create's claim on an address lasts before its account is written. A
   * create that dies in between leaves a claim that frees the address by itself.
   * Far longer than the writes in between can take (each times out within 1 s).
   */
  claimLeaseMs?: number;
  /**
   * How long a write's announcement of new index entries protects them from removal
   * (account-index.ts). Far longer than the three commands between the announcement and
   * the account write; a write that takes longer announces again.
   */
  announcementMs?: number;
}

export function redisAccountStore(redis: RedisClient, keys: RedisKeys, options: AccountStoreOptions): AccountStore {
  const { acknowledged, claimLeaseMs = 5000, announcementMs = 15_000 } = options;
  const writeAccount = defineScript<WriteOutcome>(redis, 'idpAccountWrite', writeAccountLua);
  const releaseIfHeldBy = defineScript<number>(redis, 'idpReleaseIfHeldBy', releaseIfHeldByLua);
  const confirmClaim = defineScript<number>(redis, 'idpConfirmEmailClaim', confirmClaimLua);
  const index = redisAccountIndex(redis, keys, announcementMs);

  /**
   * One attempt at writing the account over `expectedVersion` ('' for a create): at
   * once when its index entries are unchanged, otherwise announced, added, written and
   * the old ones removed (account-index.ts). An announcement that lapsed is made again.
   */
  const write = async (account: StoredAccount, expectedVersion: number | '', mayChangeEmail: boolean): Promise<WriteOutcome> => {
    const { version, ...document } = account;
    const entries = entriesOf(account, keys);
    const run = (added: boolean) =>
      writeAccount(
        keys.account(account.id),
        expectedVersion,
        expectedVersion === '' ? version : version + 1,
        emailKey(account.email),
        JSON.stringify(document),
        mayChangeEmail ? '1' : '0',
        entriesHash(entries),
        JSON.stringify(entries),
        added ? '1' : '0',
        index.announcementMs,
      );
    for (let attempt = 0; attempt < 3; attempt++) {
      const first = await run(false);
      if (first[0] !== 'index-changed') return first;
      const [, , before, announcedBefore] = first;
      await index.add(entries);
      const outcome = await run(true);
      if (outcome[0] === 'lapsed') continue;
      const current = new Set(entries.map(entryId));
      // Saved: the entries the account had (or that earlier writes announced) and no longer has. Lost: ours.
      const leftOver =
        outcome[0] === 'saved'
          ? [...(before ? entriesOf({ ...(JSON.parse(before) as StoredAccount), id: account.id }, keys) : []), ...parseEntries(announcedBefore)].filter(
              (e) => !current.has(entryId(e)),
            )
          : entries;
      await index.removeUnwanted(account.id, leftOver);
      return outcome;
    }
    throw new Error(`the indexes of account ${account.id} could not be written in time`);
  };

  /**
   * The e-mail index is its own aggregate: claim it first, release it unless the account
   * write lands. A lease (create) makes the claim expire unless confirmed afterwards.
   */
  const withEmailClaimed = async (account: StoredAccount, attempt: () => Promise<WriteOutcome>, leaseMs?: number) => {
    const indexKey = keys.email(emailKey(account.email));
    const holder =
      leaseMs === undefined ? await redis.set(indexKey, account.id, 'NX', 'GET') : await redis.set(indexKey, account.id, 'PX', leaseMs, 'NX', 'GET');
    if (holder !== null && holder !== account.id) throw new DuplicateEmailError(account.email);
    let outcome: WriteOutcome | undefined;
    try {
      outcome = await attempt();
      return outcome;
    } finally {
      // Only a claim made here is ours to release: one already held belongs to the stored account.
      if (holder === null && outcome?.[0] !== 'saved') await releaseIfHeldBy(indexKey, account.id);
    }
  };

  const store: AccountStore = {
    async create(account) {
      const [outcome] = await withEmailClaimed(account, () => write(account, '', true), claimLeaseMs);
      if (outcome !== 'saved') throw new Error(`an account with id ${account.id} already exists`);
      if ((await confirmClaim(keys.email(emailKey(account.email)), account.id)) === 0) {
        // Our lease ran out and another create took the address: this account never was.
        await redis.del(keys.account(account.id));
        await index.removeUnwanted(account.id, entriesOf(account, keys));
        throw new DuplicateEmailError(account.email);
      }
      await acknowledged();
    },
    findById: (id) => readAccount(redis, keys, id),
    async findByEmail(email) {
      const key = emailKey(email);
      const id = await redis.get(keys.email(key));
      return id === null ? undefined : readAccount(redis, keys, id, key);
    },
    async save(account) {
      let outcome = await write(account, account.version, false);
      if (outcome[0] === 'email-changed') {
        outcome = await withEmailClaimed(account, () => write(account, account.version, true));
      }
      if (outcome[0] !== 'saved') throw new StaleAccountError(account.id);
      if (outcome[1] !== emailKey(account.email)) await releaseIfHeldBy(keys.email(outcome[1]), account.id);
      await acknowledged();
      return { ...account, version: account.version + 1 };
    },
    ...redisAccountQueries(redis, keys, index),
    reindex: (options) => reindex(options),
  };
  const reindex = redisAccountReindex(redis, keys, index, (account) => store.save(account));
  return store;
}
