import type { DatabaseSync } from 'node:sqlite';
import type { AccountStore, StoredAccount } from '../types.ts';
import { indexColumns, termsWriter } from './account-index.ts';
import { inTransaction } from './transaction.ts';
import { toAccount } from './account-row.ts';

const BATCH = 1000;

/**
 * Rows a release without the indexes wrote (indexed = 0), or every row: each batch one
 * transaction. `rewrite` saves an upgraded account (with its indexes) over the version read.
 */
export function sqliteAccountReindex(db: DatabaseSync, rewrite: (account: StoredAccount) => boolean): AccountStore['reindex'] {
  const unindexed = db.prepare('SELECT id, version, document FROM accounts WHERE indexed = 0 LIMIT :limit');
  const after = db.prepare('SELECT id, version, document FROM accounts WHERE id > :id ORDER BY id LIMIT :limit');
  const setColumns = db.prepare(`UPDATE accounts SET list_key = :listKey, external_id = :externalId, invited = :invited,
    end_check_at = :endCheckAt, indexed = 1 WHERE id = :id`);
  const writeTerms = termsWriter(db);

  return async ({ all, progress, upgrade }) => {
    let done = 0;
    let last = '';
    for (;;) {
      const rows = inTransaction(db, () => {
        const batch = (all ? after.all({ id: last, limit: BATCH }) : unindexed.all({ limit: BATCH })) as { id: string }[];
        for (const row of batch) {
          const account = toAccount(row)!;
          const upgraded = upgrade?.(account);
          if (upgraded && rewrite(upgraded)) continue;
          setColumns.run({ id: row.id, ...indexColumns(account) });
          writeTerms(account);
        }
        return batch;
      });
      if (!rows.length) return done;
      done += rows.length;
      last = rows.at(-1)!.id;
      progress?.(done);
      // Requests (or the other process on the file) get their turn between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}
