import type { DatabaseSync } from 'node:sqlite';
import type { Adapter, AdapterPayload, OidcAdapterFactory } from '../types.ts';
import { epochSeconds, grantableModels } from '../shared/oidc-models.ts';

const live = '(expires_at IS NULL OR expires_at > :now)';

interface PayloadRow {
  payload: string;
  consumed_at: number | null;
}

export function sqliteOidcAdapterFactory(db: DatabaseSync): OidcAdapterFactory {
  const upsert = db.prepare(`INSERT OR REPLACE INTO oidc_payloads
    (model, id, payload, grant_id, user_code, uid, consumed_at, expires_at)
    VALUES (:model, :id, :payload, :grantId, :userCode, :uid, NULL, :expiresAt)`);
  const find = db.prepare(`SELECT payload, consumed_at FROM oidc_payloads
    WHERE model = :model AND id = :id AND ${live}`);
  const findByUid = db.prepare(`SELECT payload, consumed_at FROM oidc_payloads
    WHERE model = :model AND uid = :uid AND ${live}`);
  const findByUserCode = db.prepare(`SELECT payload, consumed_at FROM oidc_payloads
    WHERE model = :model AND user_code = :userCode AND ${live}`);
  const consume = db.prepare(`UPDATE oidc_payloads SET consumed_at = :consumedAt
    WHERE model = :model AND id = :id AND ${live}`);
  const destroy = db.prepare('DELETE FROM oidc_payloads WHERE model = :model AND id = :id');
  // One statement is one transaction: every token of the grant goes, whatever its model.
  const revokeByGrantId = db.prepare('DELETE FROM oidc_payloads WHERE grant_id = :grantId');

  const toPayload = (row: unknown): AdapterPayload | undefined => {
    if (!row) return undefined;
    const { payload, consumed_at } = row as PayloadRow;
    const parsed = JSON.parse(payload) as AdapterPayload;
    return consumed_at === null ? parsed : { ...parsed, consumed: consumed_at };
  };

  return (model: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      upsert.run({
        model,
        id,
        payload: JSON.stringify(payload),
        grantId: grantableModels.has(model) ? (payload.grantId ?? null) : null,
        userCode: payload.userCode ?? null,
        uid: model === 'Session' ? (payload.uid ?? null) : null,
        expiresAt: expiresIn === undefined ? null : Date.now() + expiresIn * 1000,
      });
    },
    async find(id) {
      return toPayload(find.get({ model, id, now: Date.now() }));
    },
    async findByUid(uid) {
      return toPayload(findByUid.get({ model, uid, now: Date.now() }));
    },
    async findByUserCode(userCode) {
      return toPayload(findByUserCode.get({ model, userCode, now: Date.now() }));
    },
    async consume(id) {
      consume.run({ model, id, consumedAt: epochSeconds(), now: Date.now() });
    },
    async destroy(id) {
      destroy.run({ model, id });
    },
    async revokeByGrantId(grantId) {
      revokeByGrantId.run({ grantId });
    },
  });
}
