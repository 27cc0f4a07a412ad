import type { DatabaseSync } from 'node:sqlite';
import type { AccountHistory, HistoryEntry } from '../types.ts';
import { inTransaction } from './transaction.ts';

/**
 * One row per entry, numbered in the order added (seq); read and trimmed per
 * account through the (account_id, seq) index. expires_at lets the sweeper
 * remove entries past their retention even when the account has no new event.
 */
export function sqliteAccountHistory(db: DatabaseSync): AccountHistory {
  const insert = db.prepare(`INSERT INTO account_history (account_id, at, entry, expires_at)
    VALUES (:accountId, :at, :entry, :expiresAt)`);
  // The account's entries past the newest `max`, and those too old beside the one just added.
  const trim = db.prepare(`DELETE FROM account_history WHERE account_id = :accountId AND (at <= :before OR seq <= (
    SELECT seq FROM account_history WHERE account_id = :accountId ORDER BY seq DESC LIMIT 1 OFFSET :max))`);
  const read = db.prepare(`SELECT entry FROM account_history WHERE account_id = :accountId AND at > :after
    ORDER BY seq DESC LIMIT :limit`);
  const erase = db.prepare('DELETE FROM account_history WHERE account_id = :accountId');

  return {
    async add(accountId, entry, keep) {
      inTransaction(db, () => {
        insert.run({ accountId, at: entry.at, entry: JSON.stringify(entry), expiresAt: (entry.at + keep.seconds) * 1000 });
        trim.run({ accountId, before: entry.at - keep.seconds, max: keep.max });
      });
    },
    async read(accountId, limit, after) {
      return (read.all({ accountId, after, limit }) as { entry: string }[]).map((row) => JSON.parse(row.entry) as HistoryEntry);
    },
    async erase(accountId) {
      erase.run({ accountId });
    },
  };
}
