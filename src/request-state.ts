import type { ParameterizedContext } from 'koa';
import type { Account } from './accounts/account.ts';
import type { Interaction } from './flows/interaction.ts';
import type { MfaStep } from './flows/second-factor/mfa-step.ts';
import type { AccountSession } from './mfa/reauth.ts';
import type { PageState } from './web/render.ts';

/**
 * What a request carries from middleware to handler (ctx.state), in one list:
 * the page's language and helpers (web/page-state.ts), the request id, and what
 * a route guard found for the handlers after it.
 */
export interface State extends PageState {
  requestId: string;
  /** The user picked the language (?lang= or its cookie): an application's ui_locales does not override it. */
  explicitLocale: boolean;
  /** The provider's server_error was the store's: the answer becomes a 503 (web/error-pages.ts). */
  storeFailure?: boolean;
  /** atPrompt (flows/interaction.ts). */
  interaction?: Interaction;
  /** atMfa (flows/second-factor/mfa-step.ts). */
  mfaStep?: MfaStep;
  /** signedIn (flows/session/guards.ts): My account's user, or the console's staff member. */
  accountSession?: AccountSession;
  /** targetAccount (flows/admin/guards.ts): the account a console request is about. */
  targetAccount?: Account;
  /** scim/auth.ts: the provisioning client of a SCIM request. */
  scimClient?: string;
}

/** A request with its state typed: what handlers and guards take. */
export type Ctx = ParameterizedContext<State>;

/**
 * What a route guard put on the request, for a handler after it. Missing means
 * routes.ts mounted the handler without its guard: a programming error, never
 * something a user can cause.
 */
export function fromGuard<K extends keyof State>(ctx: Ctx, key: K): NonNullable<State[K]> {
  const value = ctx.state[key];
  if (value === undefined || value === null) throw new Error(`${key} (ctx.state) is set by a route guard this route lacks`);
  return value;
}
