import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { newAccount, type Account } from '../src/accounts/account.ts';
import { nextEndCheck } from '../src/accounts/end-date.ts';
import { emailKey } from '../adapters/shared/email-key.ts';
import { redisKeys } from '../adapters/redis/keys.ts';
import { entriesHash, entriesOf } from '../adapters/redis/account-index.ts';
import { openDatabase } from '../adapters/sqlite/schema.ts';
import { indexColumns, termsWriter } from '../adapters/sqlite/account-index.ts';

/**
 * Accounts written straight into a store, the way the store itself lays them out
 * (document, e-mail index and every account index, computed by the store's own
 * functions), in pipelines (Redis) or transactions (SQLite) of 1,000 and 10,000:
 * a million in a minute or two instead of hours through the service.
 */
const GIVEN = [
  'Anna',
  'Bram',
  'Chantal',
  'Daan',
  'Émile',
  'Fatima',
  'Gert',
  'Hanna',
  'Ilse',
  'Jan',
  'Karim',
  'Lotte',
  'Mees',
  'Noor',
  'Oscar',
  'Priya',
  'Quinten',
  'Ruth',
  'Sven',
  'Tess',
];
const FAMILY = [
  'de Vries',
  'van den Berg',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Leeuwen',
  'Dekker',
  'Brouwer',
  'de Wit',
  'Dijkstra',
  'Smits',
  'de Graaf',
  'van der Meer',
  'van der Linden',
  'Kok',
  'Jacobs',
  'de Haan',
  'Vermeulen',
  'van den Heuvel',
  'Yılmaz',
  'Öztürk',
];

const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
const benchName = (n: number) => `${GIVEN[n % GIVEN.length]} ${FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length]}`;
export const benchEmail = (n: number) => `${slug(GIVEN[n % GIVEN.length]!)}.${slug(FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length]!)}.${n}@bench.example`;
export const benchExternalId = (n: number) => `HR-${String(n).padStart(8, '0')}`;
export const FAMILIES = FAMILY;

/** A researcher's account after a few months: password, an authenticator app, recovery codes, sign-ins and grants; half with an end date years ahead. */
function benchAccount(n: number, endDate?: string): Account {
  const id = `bench${n.toString(36).padStart(5, '0')}`;
  const random = (bytes: number) => randomBytes(bytes).toString('base64url');
  const account: Account = {
    ...newAccount({ id, email: benchEmail(n), name: benchName(n), locale: n % 3 ? 'nl' : 'en' }),
    version: 1,
    externalId: benchExternalId(n),
    passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${random(16)}$${random(32)}`,
    totp: [{ id: randomUUID(), secret: `v1.${random(12)}.${random(36)}.${random(16)}`, createdAt: 1_760_000_000 }],
    recoveryCodes: Array.from({ length: 10 }, () => random(32)),
    sessionsValidAfter: 1_760_000_001,
    recentSignIns: [1, 2, 3].map((i) => ({ at: 1_770_000_000 + i * 86400, method: 'pwd+otp+mfa', ip: `192.0.2.${(n + i) % 250}` })),
    grants: [1, 2].map((i) => ({ id: random(32), exp: 1_790_000_000 + i, clientId: 'portal', sid: random(32) })),
    ...(endDate ? { endDate } : n % 2 ? { endDate: `20${30 + (n % 9)}-0${1 + (n % 9)}-1${n % 9}` } : {}),
  };
  const at = nextEndCheck(account);
  return at === undefined ? account : { ...account, endCheckAt: at };
}

export interface Seeder {
  /** Writes accounts from..to-1. */
  seed(from: number, to: number): Promise<void>;
  /** Gives these accounts an end date whose reminder is due now. */
  makeDue(numbers: number[], endDate: string): Promise<void>;
  close(): Promise<void>;
}

const BATCH = { redis: 1000, sqlite: 10_000 };

export function redisSeeder(url: string, prefix: string): Seeder & { redis: Redis; keys: ReturnType<typeof redisKeys> } {
  const redis = new Redis(url);
  const keys = redisKeys(prefix);
  const write = async (accounts: Account[]) => {
    const pipeline = redis.pipeline();
    for (const account of accounts) {
      const { version, ...document } = account;
      const entries = entriesOf(account, keys);
      pipeline.hset(
        keys.account(account.id),
        'version',
        version,
        'emailKey',
        emailKey(account.email),
        'document',
        JSON.stringify(document),
        'indexed',
        entriesHash(entries),
      );
      pipeline.set(keys.email(emailKey(account.email)), account.id);
      for (const e of entries) {
        if (e[0] === 'z') pipeline.zadd(e[1], e[3], e[2]);
        else pipeline.sadd(e[1], e[2]);
      }
    }
    await pipeline.exec();
  };
  return {
    redis,
    keys,
    async seed(from, to) {
      for (let start = from; start < to; start += BATCH.redis) {
        await write(Array.from({ length: Math.min(BATCH.redis, to - start) }, (_, i) => benchAccount(start + i)));
      }
    },
    async makeDue(numbers, endDate) {
      for (let start = 0; start < numbers.length; start += BATCH.redis)
        await write(numbers.slice(start, start + BATCH.redis).map((n) => benchAccount(n, endDate)));
    },
    async close() {
      redis.disconnect();
    },
  };
}

export function sqliteSeeder(dataDir: string): Seeder {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'idp.sqlite'));
  const upsert = db.prepare(`INSERT INTO accounts (id, email_key, version, document, list_key, external_id, invited, end_check_at, indexed)
    VALUES (:id, :emailKey, :version, :document, :listKey, :externalId, :invited, :endCheckAt, 1)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, document = excluded.document, end_check_at = excluded.end_check_at`);
  const writeTerms = termsWriter(db);
  const write = (accounts: Account[]) => {
    db.exec('BEGIN IMMEDIATE');
    for (const account of accounts) {
      const { version, ...document } = account;
      upsert.run({ id: account.id, emailKey: emailKey(account.email), version, document: JSON.stringify(document), ...indexColumns(account) });
      writeTerms(account);
    }
    db.exec('COMMIT');
  };
  return {
    async seed(from, to) {
      for (let start = from; start < to; start += BATCH.sqlite) {
        write(Array.from({ length: Math.min(BATCH.sqlite, to - start) }, (_, i) => benchAccount(start + i)));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async makeDue(numbers, endDate) {
      write(numbers.map((n) => benchAccount(n, endDate)));
    },
    async close() {
      db.close();
    },
  };
}
