import type { GrantRef } from './account.ts';
import type { AccountDeps } from './events.ts';

/**
 * Who must hear that an account's sessions ended: sign-out (src/logout, the
 * `logout` of Services), which tells the applications those grants were for
 * (back-channel logout).
 */
export interface SessionsEnded {
  /** Called once the account's reset is written, with the grants it ended (already revoked). */
  sessionsEnded(accountId: string, ended: GrantRef[]): void;
}

/**
 * What an operation that ends sessions takes: the store and the audit trail,
 * and sign-out beside them. Every caller — My account, the console, the CLI, a set-password link,
 * SCIM, the end-date job — hands over its Services, so none can end an
 * account's sessions without the applications being told.
 */
export interface EndSessionsDeps extends AccountDeps {
  logout: SessionsEnded;
}
