import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../types.ts';
import { expiringTables, openDatabase } from './schema.ts';
import { sqliteOidcAdapterFactory } from './oidc-adapter.ts';
import { sqliteAccountStore } from './accounts.ts';
import { sqliteTokenStore } from './tokens.ts';
import { sqliteReplayGuard } from './replay.ts';
import { sqliteLogoutOutbox } from './logout-outbox.ts';
import { sqliteAccountHistory } from './history.ts';
import { guardStore } from '../shared/unavailable.ts';
import { sqliteUpstreamLinks } from './upstream-links.ts';

const sweepIntervalMs = 60_000;

/** Reads already ignore expired rows; sweeping only keeps the file from growing. */
function startSweeping(db: DatabaseSync): NodeJS.Timeout {
  const sweeps = expiringTables.map((table) => db.prepare(`DELETE FROM ${table} WHERE expires_at <= :now`));
  const timer = setInterval(() => {
    const now = Date.now();
    try {
      for (const sweep of sweeps) sweep.run({ now });
    } catch {
      // A busy or failing sweep is harmless: the next one catches up.
    }
  }, sweepIntervalMs);
  return timer.unref();
}

export async function openSqliteStore({ file }: { file: string }): Promise<Store> {
  const db = openDatabase(file);
  const sweeper = startSweeping(db);
  return guardStore({
    kind: 'sqlite',
    accounts: sqliteAccountStore(db),
    tokens: sqliteTokenStore(db),
    replay: sqliteReplayGuard(db),
    logoutOutbox: sqliteLogoutOutbox(db),
    history: sqliteAccountHistory(db),
    upstreamLinks: sqliteUpstreamLinks(db),
    oidcAdapter: sqliteOidcAdapterFactory(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      clearInterval(sweeper);
      if (db.isOpen) db.close();
    },
  });
}
