import type Provider from 'oidc-provider';
import type { AccountStore, ReplayGuard, Store } from '../adapters/types.ts';
import type { Account } from './accounts/account.ts';
import type { Audit } from './audit.ts';
import type { Config } from './config.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './log.ts';
import type { Logout } from './logout/logout.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Limits } from './security/rate-limits.ts';
import type { SecretBox } from './security/secret-box.ts';
import type { Upstream } from './upstream/upstream.ts';

/**
 * Everything the application is built from: made once in app.ts, passed down, never global.
 * Each flow, guard and helper declares the part it uses (`Pick<Services, …>`); routes.ts hands them all `s`.
 */
export interface Services {
  config: Config;
  store: Store;
  accounts: AccountStore<Account>;
  provider: Provider;
  mailer: Mailer;
  limits: Limits;
  /** Markers set once (TOTP time steps, recovery codes): the store's replay guard. */
  replay: ReplayGuard;
  secrets: SecretBox;
  audit: Audit;
  log: Logger;
  /** Sign-out: what ending an account's sessions tells the applications, and the provider's "Log out" (src/logout). */
  logout: Logout;
  /** Draining during a graceful shutdown (readiness turns 503). */
  lifecycle: Lifecycle;
  /** Sign-in at an institution (SURFconext, eduID): the configured providers and the protocol side (#26). */
  upstream: Upstream;
  /** Runs work after the response, so that its duration tells nothing (mail, lookups). */
  background: (name: string, work: () => Promise<void>) => void;
}
