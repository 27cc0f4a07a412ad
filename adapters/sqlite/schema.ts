import { DatabaseSync } from 'node:sqlite';
import { migrateAccountIndexes } from './account-index.ts';

/** Every expiring row holds expires_at in epoch milliseconds; NULL never expires. */
const schema = `
CREATE TABLE IF NOT EXISTS oidc_payloads (
  model       TEXT NOT NULL,
  id          TEXT NOT NULL,
  payload     TEXT NOT NULL,
  grant_id    TEXT,
  user_code   TEXT,
  uid         TEXT,
  consumed_at INTEGER,
  expires_at  INTEGER,
  PRIMARY KEY (model, id)
) STRICT;
CREATE INDEX IF NOT EXISTS oidc_payloads_grant_id ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_expires_at ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS accounts (
  id        TEXT PRIMARY KEY,
  email_key TEXT NOT NULL UNIQUE,
  version   INTEGER NOT NULL,
  document  TEXT NOT NULL
) STRICT;

DROP TABLE IF EXISTS single_use_tokens;
CREATE TABLE IF NOT EXISTS one_time_tokens (
  purpose    TEXT NOT NULL,
  subject    TEXT NOT NULL,
  hash       TEXT NOT NULL,
  data       TEXT,
  seq        INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (purpose, subject, hash)
) STRICT;

CREATE TABLE IF NOT EXISTS logout_outbox (
  id        TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  sub       TEXT NOT NULL,
  sid       TEXT,
  attempt   INTEGER NOT NULL,
  due_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS logout_outbox_due_at ON logout_outbox (due_at);

CREATE TABLE IF NOT EXISTS account_history (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  at         INTEGER NOT NULL,
  entry      TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS account_history_account ON account_history (account_id, seq);
CREATE INDEX IF NOT EXISTS account_history_expires_at ON account_history (expires_at);

CREATE TABLE IF NOT EXISTS replay_markers (
  subject    TEXT NOT NULL,
  marker     TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (subject, marker)
) STRICT;
`;

export const expiringTables = ['oidc_payloads', 'one_time_tokens', 'replay_markers', 'account_history'] as const;

export function openDatabase(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  // The server and the CLI share the file: WAL lets readers run beside one writer,
  // and busy_timeout makes a writer wait for the other's lock instead of failing.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  db.exec(schema);
  migrateAccountIndexes(db);
  return db;
}
