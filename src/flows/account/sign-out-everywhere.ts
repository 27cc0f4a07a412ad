import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { endSessions } from '../../accounts/operations/sessions.ts';
import { accountOf } from '../session/guards.ts';
import { forgetReauthentication } from '../../mfa/reauth.ts';
import { accountChanged } from '../../mail/account-changed.ts';

type SignOutDeps = Pick<Services, 'store' | 'logout' | 'audit' | 'mailer' | 'background' | 'config'>;

/**
 * Ends every session and token of the account (the provider refuses anything
 * from an earlier sign-in), and removes this browser's session outright.
 */
export function signOutEverywhere(s: SignOutDeps) {
  return async (ctx: Context) => {
    const a = accountOf(ctx);
    await endSessions(s, { via: 'self' }, a.account.id);
    await forgetReauthentication(s, a.session);
    await a.session.destroy();
    accountChanged(s, a.account, 'signed_out');
    await render(ctx, 'message', { title: 'account.title', message: 'account.signed_out', okUrl: '/' });
  };
}
