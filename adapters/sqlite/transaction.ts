import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` as one write transaction. node:sqlite is synchronous: nothing else
 * of this process runs in between, and BEGIN IMMEDIATE keeps another process
 * (the CLI beside the server) out until it is done.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
