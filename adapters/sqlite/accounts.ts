import type { DatabaseSync } from 'node:sqlite';
import { DuplicateEmailError, StaleAccountError, type AccountStore, type StoredAccount } from '../types.ts';
import { emailKey } from '../shared/email-key.ts';

/** The version lives in its own column; the document holds the rest of the account. */
interface AccountRow { version: number; document: string }

// Checked by shape, not instanceof: node:sqlite's errors may come from another realm (jest's vm).
function isEmailTaken(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === 'string' && message.includes('UNIQUE constraint failed: accounts.email_key');
}

function toAccount(row: unknown): StoredAccount | undefined {
  if (!row) return undefined;
  const { version, document } = row as AccountRow;
  return { ...(JSON.parse(document) as StoredAccount), version };
}

export function sqliteAccountStore(db: DatabaseSync): AccountStore {
  const insert = db.prepare(`INSERT INTO accounts (id, email_key, version, document)
    VALUES (:id, :emailKey, :version, :document)`);
  const update = db.prepare(`UPDATE accounts SET email_key = :emailKey, version = version + 1, document = :document
    WHERE id = :id AND version = :version`);
  const findById = db.prepare('SELECT version, document FROM accounts WHERE id = :id');
  const findByEmail = db.prepare('SELECT version, document FROM accounts WHERE email_key = :emailKey');
  const list = db.prepare('SELECT version, document FROM accounts ORDER BY email_key');

  /** Runs insert or update; on update, version is the one the stored row must still have. */
  const write = (statement: typeof insert, account: StoredAccount) => {
    const { version, ...document } = account;
    try {
      return statement.run({
        id: account.id, emailKey: emailKey(account.email), version, document: JSON.stringify(document),
      });
    } catch (error) {
      throw isEmailTaken(error) ? new DuplicateEmailError(account.email) : error;
    }
  };

  return {
    async create(account) {
      write(insert, account);
    },
    async findById(id) {
      return toAccount(findById.get({ id }));
    },
    async findByEmail(email) {
      return toAccount(findByEmail.get({ emailKey: emailKey(email) }));
    },
    async list() {
      return list.all().map((row) => toAccount(row) as StoredAccount);
    },
    async save(account) {
      if (write(update, account).changes === 0) throw new StaleAccountError(account.id);
      return { ...account, version: account.version + 1 };
    },
  };
}
