import type { Account } from './account.ts';
import { normalizeEmail } from './email.ts';

/**
 * The attempt counters that can stop this account's holder: its address's and
 * its id's, and those of the addresses it signed in from lately (a holder who
 * mistyped five times at home is locked for that address only).
 */
export const lockCounters = (a: Account) => ({
  account: normalizeEmail(a.email),
  accountId: a.id,
  ips: [...new Set(a.recentSignIns.flatMap((x) => (x.ip ? [x.ip] : [])))],
});
