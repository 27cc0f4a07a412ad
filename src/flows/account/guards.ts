import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { accountSession, type AccountSession } from './account-session.ts';
import { isReauthenticated } from './reauth.ts';
import { showAccount } from './account-page.ts';
import { adoptLocale } from '../../web/page-state.ts';

/**
 * The two doors of My account. Each answers the request itself when it says no
 * (and returns undefined): no usable session → the sign-in; no recent second
 * factor → the page with "confirm it's you", status 403.
 */
export function accountGuards(s: Services) {
  const signedIn = async (ctx: Context): Promise<AccountSession | undefined> => {
    const current = await accountSession(ctx, s);
    if (!current) {
      ctx.status = 303;
      ctx.redirect('/account/login');
      return undefined;
    }
    // The account's own language, unless the user picked one.
    adoptLocale(ctx, current.account.locale);
    return current;
  };

  const reauthenticated = async (ctx: Context): Promise<AccountSession | undefined> => {
    const current = await signedIn(ctx);
    if (!current) return undefined;
    if (await isReauthenticated(s, current.session)) return current;
    s.audit('account.change_refused', { accountId: current.account.id, path: ctx.path, reason: 'not reauthenticated' });
    await showAccount(ctx, s, current, { form: 'account.reauth.required' }, 403);
    return undefined;
  };

  return { signedIn, reauthenticated };
}
