import type { DatabaseSync } from 'node:sqlite';
import type { SingleUseTokenStore } from '../types.ts';

export function sqliteTokenStore(db: DatabaseSync): SingleUseTokenStore {
  // The primary key (purpose, subject) keeps one token per pair: a new put replaces the old one.
  const put = db.prepare(`INSERT OR REPLACE INTO single_use_tokens (purpose, subject, hash, data, expires_at)
    VALUES (:purpose, :subject, :hash, :data, :expiresAt)`);
  const peek = db.prepare(`SELECT 1 FROM single_use_tokens
    WHERE purpose = :purpose AND subject = :subject AND hash = :hash AND expires_at > :now`);
  const take = db.prepare(`DELETE FROM single_use_tokens
    WHERE purpose = :purpose AND subject = :subject AND hash = :hash AND expires_at > :now
    RETURNING data`);
  const drop = db.prepare('DELETE FROM single_use_tokens WHERE purpose = :purpose AND subject = :subject');

  return {
    async put(purpose, subject, hash, ttlSeconds, data) {
      put.run({
        purpose,
        subject,
        hash,
        data: data === undefined ? null : JSON.stringify(data),
        expiresAt: Date.now() + ttlSeconds * 1000,
      });
    },
    async peek(purpose, subject, hash) {
      return peek.get({ purpose, subject, hash, now: Date.now() }) !== undefined;
    },
    async take(purpose, subject, hash) {
      const row = take.get({ purpose, subject, hash, now: Date.now() }) as { data: string | null } | undefined;
      if (!row) return undefined;
      return { data: row.data === null ? undefined : JSON.parse(row.data) };
    },
    async drop(purpose, subject) {
      drop.run({ purpose, subject });
    },
  };
}
