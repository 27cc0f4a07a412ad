import type { DatabaseSync } from 'node:sqlite';
import type { SingleUseTokenStore } from '../types.ts';
import { inTransaction } from './transaction.ts';

export function sqliteTokenStore(db: DatabaseSync): SingleUseTokenStore {
  const put = db.prepare(`INSERT OR REPLACE INTO one_time_tokens (purpose, subject, hash, data, seq, expires_at)
    VALUES (:purpose, :subject, :hash, :data,
      (SELECT COALESCE(MAX(seq), 0) + 1 FROM one_time_tokens WHERE purpose = :purpose AND subject = :subject), :expiresAt)`);
  // Keeps the newest `keep` live tokens of the pair; expired ones go too.
  const prune = db.prepare(`DELETE FROM one_time_tokens WHERE purpose = :purpose AND subject = :subject
    AND (expires_at <= :now OR seq NOT IN (SELECT seq FROM one_time_tokens WHERE purpose = :purpose AND subject = :subject
      AND expires_at > :now ORDER BY seq DESC LIMIT :keep))`);
  const peek = db.prepare(`SELECT 1 FROM one_time_tokens
    WHERE purpose = :purpose AND subject = :subject AND hash = :hash AND expires_at > :now`);
  const take = db.prepare(`DELETE FROM one_time_tokens
    WHERE purpose = :purpose AND subject = :subject AND hash = :hash AND expires_at > :now
    RETURNING data`);
  const drop = db.prepare('DELETE FROM one_time_tokens WHERE purpose = :purpose AND subject = :subject');
  return {
    async put(purpose, subject, hash, ttlSeconds, options = {}) {
      const now = Date.now();
      inTransaction(db, () => {
        const data = options.data === undefined ? null : JSON.stringify(options.data);
        put.run({ purpose, subject, hash, data, expiresAt: now + ttlSeconds * 1000 });
        prune.run({ purpose, subject, now, keep: options.keep ?? 1 });
      });
    },
    async peek(purpose, subject, hash) {
      return peek.get({ purpose, subject, hash, now: Date.now() }) !== undefined;
    },
    async take(purpose, subject, hash) {
      const row = inTransaction(db, () => {
        const taken = take.get({ purpose, subject, hash, now: Date.now() }) as { data: string | null } | undefined;
        if (taken) drop.run({ purpose, subject });
        return taken;
      });
      if (!row) return undefined;
      return { data: row.data === null ? undefined : JSON.parse(row.data) };
    },
    async drop(purpose, subject) {
      drop.run({ purpose, subject });
    },
  };
}
