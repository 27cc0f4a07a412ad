import type { DatabaseSync } from 'node:sqlite';
import type { ReplayGuard } from '../types.ts';

export function sqliteReplayGuard(db: DatabaseSync): ReplayGuard {
  // An expired marker that the sweeper has not removed yet may be claimed again.
  const claim = db.prepare(`INSERT INTO replay_markers (subject, marker, expires_at)
    VALUES (:subject, :marker, :expiresAt)
    ON CONFLICT (subject, marker) DO UPDATE SET expires_at = excluded.expires_at
    WHERE replay_markers.expires_at <= :now`);

  return {
    async claim(subject, marker, ttlSeconds) {
      const now = Date.now();
      return claim.run({ subject, marker, expiresAt: now + ttlSeconds * 1000, now }).changes === 1;
    },
  };
}
