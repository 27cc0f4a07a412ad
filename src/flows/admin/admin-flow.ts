import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { sessionLogin } from '../session/login.ts';
import { confirmIdentity } from '../../web/confirm-identity.ts';
import { CONSOLE } from './confirm-page.ts';
import { searchAccounts } from './search.ts';
import { showStaffView } from './account-view.ts';
import { newAccountForm } from './create-account.ts';
import { resetMfa } from './reset-mfa.ts';
import { disableAccount } from './disable.ts';
import { liftLockout } from './unlock.ts';
import { resendInvitation } from './invite.ts';
import { helpdeskRole } from './roles.ts';

type AdminFlowDeps = Pick<Services, 'config' | 'store' | 'logout' | 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'mailer' | 'background'>;

/**
 * The helpdesk console: staff sign in through the provider like everyone else
 * (My account's sign-in), must hold a role (guards.ts), and confirm their
 * second factor within five minutes before any change. Every change is audited
 * naming the staff member (staff-action.ts).
 */
export function adminFlow(s: AdminFlowDeps) {
  return {
    ...sessionLogin(s, 'admin'),
    confirm: confirmIdentity(s, CONSOLE),
    search: searchAccounts(s),
    show: (ctx: Context) => showStaffView(ctx, s),
    create: newAccountForm(s),
    resetMfa: resetMfa(s),
    disable: disableAccount(s, true),
    enable: disableAccount(s, false),
    unlock: liftLockout(s),
    invite: resendInvitation(s),
    grantHelpdesk: helpdeskRole(s, true),
    revokeHelpdesk: helpdeskRole(s, false),
  };
}
