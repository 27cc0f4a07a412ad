import { DatabaseSync } from 'node:sqlite';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { PlainAccount, PlainStore } from './plain-store.ts';

const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/**
 * The same-store baseline on SQLite: node-oidc-provider's example adapter
 * (one record per model and id holding the JSON payload, with its grant id,
 * uid and user code beside it for the lookups, expired records ignored on
 * read) as one table in a file of its own, opened the way our store opens its
 * file (WAL, synchronous=NORMAL). Accounts are one JSON row each, found by id
 * or e-mail.
 */
export function plainSqliteStore(file: string): PlainStore {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;
    CREATE TABLE oidc (model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, grant_id TEXT, uid TEXT, user_code TEXT,
      expires_at INTEGER, consumed INTEGER, PRIMARY KEY (model, id));
    CREATE INDEX oidc_grant ON oidc (grant_id);
    CREATE INDEX oidc_uid ON oidc (model, uid);
    CREATE INDEX oidc_user_code ON oidc (model, user_code);
    CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, document TEXT NOT NULL);`);
  const live = '(expires_at IS NULL OR expires_at > :now)';
  const upsert = db.prepare(`INSERT OR REPLACE INTO oidc (model, id, payload, grant_id, uid, user_code, expires_at)
    VALUES (:model, :id, :payload, :grantId, :uid, :userCode, :expiresAt)`);
  const find = db.prepare(`SELECT payload, consumed FROM oidc WHERE model = :model AND id = :id AND ${live}`);
  const findByUid = db.prepare(`SELECT payload, consumed FROM oidc WHERE model = :model AND uid = :uid AND ${live}`);
  const findByUserCode = db.prepare(`SELECT payload, consumed FROM oidc WHERE model = :model AND user_code = :userCode AND ${live}`);
  const consume = db.prepare('UPDATE oidc SET consumed = :now WHERE model = :model AND id = :id');
  const destroy = db.prepare('DELETE FROM oidc WHERE model = :model AND id = :id');
  const revokeByGrantId = db.prepare('DELETE FROM oidc WHERE grant_id = :grantId');
  const putAccount = db.prepare('INSERT OR REPLACE INTO accounts (id, email, document) VALUES (:id, :email, :document)');
  const accountById = db.prepare('SELECT document FROM accounts WHERE id = :id');
  const accountByEmail = db.prepare('SELECT document FROM accounts WHERE email = :email');

  const payloadOf = (row: unknown): AdapterPayload | undefined => {
    if (!row) return undefined;
    const { payload, consumed } = row as { payload: string; consumed: number | null };
    return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed ? { consumed } : {}) };
  };
  const accountOf = (row: unknown) => (row ? (JSON.parse((row as { document: string }).document) as PlainAccount) : undefined);

  class SqliteAdapter implements Adapter {
    private readonly model: string;
    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      upsert.run({
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grantId: grantable.has(this.model) ? (payload.grantId ?? null) : null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null,
      });
    }

    async find(id: string) {
      return payloadOf(find.get({ model: this.model, id, now: Date.now() }));
    }

    async findByUid(uid: string) {
      return payloadOf(findByUid.get({ model: this.model, uid, now: Date.now() }));
    }

    async findByUserCode(userCode: string) {
      return payloadOf(findByUserCode.get({ model: this.model, userCode, now: Date.now() }));
    }

    async destroy(id: string) {
      destroy.run({ model: this.model, id });
    }

    async revokeByGrantId(grantId: string) {
      revokeByGrantId.run({ grantId });
    }

    async consume(id: string) {
      consume.run({ model: this.model, id, now: Math.floor(Date.now() / 1000) });
    }
  }

  return {
    adapter: SqliteAdapter,
    accounts: {
      async put(account) {
        putAccount.run({ id: account.id, email: account.email, document: JSON.stringify(account) });
      },
      byId: async (id) => accountOf(accountById.get({ id })),
      byEmail: async (email) => accountOf(accountByEmail.get({ email })),
    },
    async close() {
      db.close();
    },
  };
}
