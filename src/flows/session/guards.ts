import type { Middleware } from 'koa';
import type { Services } from '../../services.ts';
import { sendJson } from '../../web/json.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { accountSession } from './account-session.ts';
import { isReauthenticated, type AccountSession } from '../../mfa/reauth.ts';
import { fromGuard, type Ctx, type State } from '../../request-state.ts';

/** The signed-in user of a My account or console request, put there by the signedIn guard. */
export const accountOf = (ctx: Ctx) => fromGuard(ctx, 'accountSession');

type SignedInGuardDeps = Pick<Services, 'provider' | 'accounts'>;

/**
 * Route guard: a usable, fully signed-in session of the provider (checked
 * against the account as it is now). Without one: the sign-in, or for JSON
 * callers a 401.
 */
export function signedIn(s: SignedInGuardDeps, options: { json?: boolean; loginPath?: string } = {}): Middleware<State> {
  return async (ctx, next) => {
    const current = await accountSession(ctx, s);
    if (!current) {
      if (options.json) return sendJson(ctx, { error: 'not signed in' }, 401);
      ctx.status = 303;
      return ctx.redirect(options.loginPath ?? '/account/login');
    }
    // The account's own language, unless the user picked one.
    adoptLocale(ctx, current.account.locale);
    ctx.state.accountSession = current;
    await next();
  };
}

type RecentFactorDeps = Pick<Services, 'store' | 'audit'>;

/** Where a change refused for a stale second factor asks for it again: My account's page, or the console's. */
type AskAgain = (ctx: Ctx, current: AccountSession) => Promise<void>;

/**
 * Route guard, after signedIn: the second factor confirmed again within the
 * last five minutes in this session. Without it: "confirm it's you" on the
 * caller's own page (`askAgain`, status 403), or a JSON 403 for JSON callers;
 * nothing changes.
 */
export function recentSecondFactor(s: RecentFactorDeps, refused: { json: true } | { askAgain: AskAgain }): Middleware<State> {
  return async (ctx, next) => {
    const current = accountOf(ctx);
    if (await isReauthenticated(s, current.session)) return next();
    s.audit('account.change_refused', { accountId: current.account.id, path: ctx.path, reason: 'not reauthenticated' });
    if ('json' in refused) return sendJson(ctx, { error: 'confirm it is you first' }, 403);
    await refused.askAgain(ctx, current);
  };
}
