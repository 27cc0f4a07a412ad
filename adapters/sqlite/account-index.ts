import type { DatabaseSync } from 'node:sqlite';
import type { StoredAccount } from '../types.ts';
import { indexedFields } from '../shared/account-index.ts';
import { inTransaction } from './transaction.ts';

/**
 * The accounts' indexes: columns of the row (written by the same statement as the
 * document), the search terms in a table of their own (in the same transaction),
 * and the count of accounts kept by triggers. `indexed` is 0 on rows that a release
 * without these indexes wrote, until they are indexed (reindex).
 */
const COLUMNS: [string, string][] = [
  ['list_key', 'TEXT'],
  ['external_id', 'TEXT'],
  ['invited', 'INTEGER'],
  ['end_check_at', 'INTEGER'],
  ['indexed', 'INTEGER NOT NULL DEFAULT 0'],
];

const INDEXES = `
CREATE INDEX IF NOT EXISTS accounts_listed ON accounts (list_key, id) WHERE list_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS accounts_external_id ON accounts (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS accounts_invited ON accounts (list_key, id) WHERE invited = 1;
CREATE INDEX IF NOT EXISTS accounts_end_check ON accounts (end_check_at, id) WHERE end_check_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS accounts_unindexed ON accounts (id) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS account_terms (
  term       TEXT NOT NULL,
  account_id TEXT NOT NULL,
  PRIMARY KEY (term, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS account_terms_account ON account_terms (account_id);
CREATE TABLE IF NOT EXISTS account_counts (what TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;
CREATE TRIGGER IF NOT EXISTS accounts_listed_insert AFTER INSERT ON accounts WHEN NEW.list_key IS NOT NULL
  BEGIN UPDATE account_counts SET n = n + 1 WHERE what = 'listed'; END;
CREATE TRIGGER IF NOT EXISTS accounts_listed_update AFTER UPDATE OF list_key ON accounts
  WHEN (OLD.list_key IS NULL) <> (NEW.list_key IS NULL)
  BEGIN UPDATE account_counts SET n = n + (CASE WHEN NEW.list_key IS NULL THEN -1 ELSE 1 END) WHERE what = 'listed'; END;
CREATE TRIGGER IF NOT EXISTS accounts_listed_delete AFTER DELETE ON accounts WHEN OLD.list_key IS NOT NULL
  BEGIN UPDATE account_counts SET n = n - 1 WHERE what = 'listed'; END;
`;

/** Adds what an earlier release's file lacks (columns, indexes, the count), in one transaction; nothing when it is there. */
export function migrateAccountIndexes(db: DatabaseSync): void {
  const has = () => new Set((db.prepare('PRAGMA table_info(accounts)').all() as { name: string }[]).map((c) => c.name));
  if (COLUMNS.every(([name]) => has().has(name)) && db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'account_counts'").get()) return;
  inTransaction(db, () => {
    const present = has();
    for (const [name, type] of COLUMNS) if (!present.has(name)) db.exec(`ALTER TABLE accounts ADD COLUMN ${name} ${type}`);
    db.exec(INDEXES);
    db.prepare("INSERT OR IGNORE INTO account_counts (what, n) SELECT 'listed', COUNT(*) FROM accounts WHERE list_key IS NOT NULL").run();
  });
}

/** The row's index columns, as named parameters of the statements that write it. */
export function indexColumns(account: StoredAccount) {
  const f = indexedFields(account);
  return { listKey: f.listKey ?? null, externalId: f.externalId ?? null, invited: f.invited ? 1 : 0, endCheckAt: f.endCheckAt ?? null };
}

/** What a search finds the account under: its folded address and name terms. */
const searchTerms = (account: StoredAccount) => {
  const f = indexedFields(account);
  return f.listKey === undefined ? [] : [...new Set([f.listKey, ...f.nameTerms])];
};

/** Writes an account's search terms; called inside the transaction that writes its row. */
export function termsWriter(db: DatabaseSync): (account: StoredAccount) => void {
  const stored = db.prepare('SELECT term FROM account_terms WHERE account_id = :id');
  const remove = db.prepare('DELETE FROM account_terms WHERE account_id = :id AND term = :term');
  const add = db.prepare('INSERT OR IGNORE INTO account_terms (term, account_id) VALUES (:term, :id)');
  return (account) => {
    const { id } = account;
    const wanted = new Set(searchTerms(account));
    const present = new Set((stored.all({ id }) as { term: string }[]).map((r) => r.term));
    for (const term of present) if (!wanted.has(term)) remove.run({ id, term });
    for (const term of wanted) if (!present.has(term)) add.run({ id, term });
  };
}
