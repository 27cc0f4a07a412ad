import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { accountGuards } from './guards.ts';
import { showAccount } from './account-page.ts';
import { accountLogin } from './account-login.ts';
import { confirmIdentity } from './confirm-identity.ts';
import { changePassword } from './change-password.ts';
import { authenticatorApps } from './authenticator-apps.ts';
import { passkeys } from './passkeys.ts';
import { newRecoveryCodes } from './new-recovery-codes.ts';
import { signOutEverywhere } from './sign-out-everywhere.ts';

/**
 * My account: reached through the provider's own session; every change needs
 * the second factor confirmed again (guards.ts), and tells the owner by mail
 * and the audit log (notify.ts).
 */
export function accountFlow(s: Services) {
  const guards = accountGuards(s);
  return {
    ...accountLogin(s),
    async show(ctx: Context) {
      const a = await guards.signedIn(ctx);
      if (a) await showAccount(ctx, s, a);
    },
    confirm: confirmIdentity(s, guards),
    password: changePassword(s, guards),
    apps: authenticatorApps(s, guards),
    passkeys: passkeys(s, guards),
    newRecoveryCodes: newRecoveryCodes(s, guards),
    signOutEverywhere: signOutEverywhere(s, guards),
  };
}
