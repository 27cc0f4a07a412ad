import {
  DuplicateEmailError, StaleAccountError, type AccountStore, type RedisClient, type StoredAccount,
} from '../types.ts';
import { byEmail, emailKey } from '../shared/email-key.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

type WriteOutcome = ['saved', string] | ['stale'] | ['email-changed', string];

// KEYS[1]: the account hash. ARGV: the version it must have ('' = must not exist), the
// new version, the e-mail key, the document, and '1' when the caller holds the claim
// on a changed e-mail key. Replies with the e-mail key the account had before.
const writeAccountLua = `
local stored = redis.call('HMGET', KEYS[1], 'version', 'emailKey')
if (stored[1] or '') ~= ARGV[1] then return {'stale'} end
local previous = stored[2] or ARGV[3]
if previous ~= ARGV[3] and ARGV[5] ~= '1' then return {'email-changed', previous} end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'emailKey', ARGV[3], 'document', ARGV[4])
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
   * Far longer than the two writes in between can take (each times out within 1 s).
   */
  claimLeaseMs?: number;
}

export function redisAccountStore(redis: RedisClient, keys: RedisKeys, options: AccountStoreOptions): AccountStore {
  const { acknowledged, claimLeaseMs = 5000 } = options;
  const writeAccount = defineScript<WriteOutcome>(redis, 'idpAccountWrite', writeAccountLua);
  const releaseIfHeldBy = defineScript<number>(redis, 'idpReleaseIfHeldBy', releaseIfHeldByLua);
  const confirmClaim = defineScript<number>(redis, 'idpConfirmEmailClaim', confirmClaimLua);

  const write = (account: StoredAccount, expectedVersion: number | '', mayChangeEmail: boolean) => {
    const { version, ...document } = account;
    const newVersion = expectedVersion === '' ? version : version + 1;
    return writeAccount(keys.account(account.id), expectedVersion, newVersion, emailKey(account.email),
      JSON.stringify(document), mayChangeEmail ? '1' : '0');
  };

  /**
   * The e-mail index is its own aggregate: claim it first, release it unless the account
   * write lands. A lease (create) makes the claim expire unless confirmed afterwards.
   */
  const withEmailClaimed = async (account: StoredAccount, attempt: () => Promise<WriteOutcome>, leaseMs?: number) => {
    const indexKey = keys.email(emailKey(account.email));
    const holder = leaseMs === undefined
      ? await redis.set(indexKey, account.id, 'NX', 'GET')
      : await redis.set(indexKey, account.id, 'PX', leaseMs, 'NX', 'GET');
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

  const findById = async (id: string, expectedEmailKey?: string) => {
    const [version, document, storedEmailKey] = await redis.hmget(keys.account(id), 'version', 'document', 'emailKey');
    if (version === null || document === null) return undefined;
    // An index entry left behind by an interrupted e-mail change must not find this account.
    if (expectedEmailKey !== undefined && storedEmailKey !== expectedEmailKey) return undefined;
    return { ...(JSON.parse(document) as StoredAccount), version: Number(version) };
  };

  return {
    async create(account) {
      const [outcome] = await withEmailClaimed(account, () => write(account, '', true), claimLeaseMs);
      if (outcome !== 'saved') throw new Error(`an account with id ${account.id} already exists`);
      if (await confirmClaim(keys.email(emailKey(account.email)), account.id) === 0) {
        // Our lease ran out and another create took the address: this account never was.
        await redis.del(keys.account(account.id));
        throw new DuplicateEmailError(account.email);
      }
      await redis.sadd(keys.accountIds, account.id);
      await acknowledged();
    },
    findById: (id) => findById(id),
    async findByEmail(email) {
      const key = emailKey(email);
      const id = await redis.get(keys.email(key));
      return id === null ? undefined : findById(id, key);
    },
    async list() {
      const ids = await redis.smembers(keys.accountIds);
      const accounts = await Promise.all(ids.map((id) => findById(id)));
      return accounts.filter((account) => account !== undefined).sort(byEmail);
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
  };
}
