import type { DatabaseSync } from 'node:sqlite';
import { DuplicateEmailError, StaleAccountError, type AccountStore, type StoredAccount } from '../types.ts';
import { emailKey } from '../shared/email-key.ts';
import { indexColumns, termsWriter } from './account-index.ts';
import { sqliteAccountQueries } from './account-queries.ts';
import { sqliteAccountReindex } from './account-reindex.ts';
import { inTransaction } from './transaction.ts';
import { toAccount } from './account-row.ts';

// Checked by shape, not instanceof: node:sqlite's errors may come from another realm (jest's vm).
function isEmailTaken(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: unknown };
  return typeof message === 'string' && message.includes('UNIQUE constraint failed: accounts.email_key');
}

/** The document and its index columns are one row: one statement writes both; the search terms go in the same transaction. */
export function sqliteAccountStore(db: DatabaseSync): AccountStore {
  const insert = db.prepare(`INSERT INTO accounts (id, email_key, version, document, list_key, external_id, invited, end_check_at, indexed)
    VALUES (:id, :emailKey, :version, :document, :listKey, :externalId, :invited, :endCheckAt, 1)`);
  const update = db.prepare(`UPDATE accounts SET email_key = :emailKey, version = version + 1, document = :document,
    list_key = :listKey, external_id = :externalId, invited = :invited, end_check_at = :endCheckAt, indexed = 1
    WHERE id = :id AND version = :version`);
  const findById = db.prepare('SELECT version, document FROM accounts WHERE id = :id');
  const findByEmail = db.prepare('SELECT version, document FROM accounts WHERE email_key = :emailKey');
  const writeTerms = termsWriter(db);

  /** Runs insert or update with the terms, inside a transaction; on update, version is the one the stored row must still have. */
  const writeRow = (statement: typeof insert, account: StoredAccount) => {
    const { version, ...document } = account;
    let changes: number | bigint;
    try {
      ({ changes } = statement.run({
        id: account.id,
        emailKey: emailKey(account.email),
        version,
        document: JSON.stringify(document),
        ...indexColumns(account),
      }));
    } catch (error) {
      throw isEmailTaken(error) ? new DuplicateEmailError(account.email) : error;
    }
    if (changes !== 0) writeTerms(account);
    return changes;
  };
  const write = (statement: typeof insert, account: StoredAccount) => inTransaction(db, () => writeRow(statement, account));

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
    async save(account) {
      if (write(update, account) === 0) throw new StaleAccountError(account.id);
      return { ...account, version: account.version + 1 };
    },
    ...sqliteAccountQueries(db),
    reindex: sqliteAccountReindex(db, (account) => writeRow(update, account) !== 0),
  };
}
