import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Account } from '../../src/accounts/account.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';

/**
 * Accounts written the way the release before the account indexes wrote them: the
 * documents, the e-mail index, and (Redis) the set of every account id. Nothing else.
 */
const emailKey = (email: string) => email.normalize('NFC').toLowerCase();

/** The SQLite file under `dataDir`, with that release's accounts table. */
export function writeLegacySqlite(dataDir: string, accounts: Account[]): void {
  const db = new DatabaseSync(join(dataDir, 'idp.sqlite'));
  db.exec(`CREATE TABLE accounts (id TEXT PRIMARY KEY, email_key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, document TEXT NOT NULL) STRICT;`);
  const insert = db.prepare('INSERT INTO accounts (id, email_key, version, document) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  for (const { version, ...document } of accounts) insert.run(document.id, emailKey(document.email), version, JSON.stringify(document));
  db.exec('COMMIT');
  db.close();
}

/** The same keys under `prefix` on the Redis at `url`, in pipelines. */
export async function writeLegacyRedis(url: string, prefix: string, accounts: Account[]): Promise<void> {
  const redis = new Redis(url);
  const keys = redisKeys(prefix);
  try {
    for (let start = 0; start < accounts.length; start += 1000) {
      const pipeline = redis.pipeline();
      for (const { version, ...document } of accounts.slice(start, start + 1000)) {
        pipeline.hset(keys.account(document.id), 'version', version, 'emailKey', emailKey(document.email), 'document', JSON.stringify(document));
        pipeline.set(keys.email(emailKey(document.email)), document.id);
        pipeline.sadd(keys.accountIds, document.id);
      }
      await pipeline.exec();
    }
  } finally {
    redis.disconnect();
  }
}
