import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { accountOf } from '../session/guards.ts';
import { showAccount } from './account-page.ts';
import { sessionLogin } from '../session/login.ts';
import { confirmIdentity } from '../../web/confirm-identity.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { changePassword } from './change-password.ts';
import { authenticatorApps } from './authenticator-apps.ts';
import { passkeys } from './passkeys.ts';
import { replaceRecoveryCodes } from './replace-recovery-codes.ts';
import { signOutEverywhere } from './sign-out-everywhere.ts';

type AccountFlowDeps = Pick<Services, 'config' | 'store' | 'logout' | 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'mailer' | 'background'>;

/**
 * My account: reached through the provider's own session; every change needs
 * the second factor confirmed again (session/guards.ts), and tells the owner by
 * mail and the audit log (mail/account-changed.ts).
 */
export function accountFlow(s: AccountFlowDeps) {
  return {
    ...sessionLogin(s),
    show: (ctx: Context) => showAccount(ctx, s, accountOf(ctx)),
    /** For recentSecondFactor: a change without a recent second factor shows My account with "confirm it's you" first. */
    askAgain: (ctx: Context, a: AccountSession) => showAccount(ctx, s, a, { form: 'account.reauth.required' }, 403),
    confirm: confirmIdentity(s, {
      who: accountOf,
      page: (ctx, a, errors, status) => showAccount(ctx, s, a, errors, status),
      landing: () => '/account',
      via: 'self',
    }),
    password: changePassword(s),
    apps: authenticatorApps(s),
    passkeys: passkeys(s),
    replaceRecoveryCodes: replaceRecoveryCodes(s),
    signOutEverywhere: signOutEverywhere(s),
  };
}
