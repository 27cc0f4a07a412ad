import type { Context } from 'koa';
import { render } from '../../web/render.ts';
import type { FieldErrors } from '../../web/form.ts';
import type { ConfirmPlace } from '../../web/confirm-identity.ts';
import { REAUTH_SECONDS, type AccountSession } from '../../mfa/reauth.ts';
import { staffOf } from './guards.ts';

/** Only console pages are places to come back to: never another host, never a path the user typed elsewhere. */
const CONSOLE_PAGE = /^\/admin(?:\/accounts\/(?:new|[\w-]{1,64}(?:\/reset-mfa)?))?$/;

/** Where a confirmation lands: the console page it was asked on, else the search. */
function returnTo(ctx: Context): string {
  const asked = (ctx.request as unknown as { body?: Record<string, unknown> }).body?.return_to;
  return typeof asked === 'string' && CONSOLE_PAGE.test(asked) ? asked : '/admin';
}

/** The page a console change refused for a stale second factor comes back to: the form (GET) or the account (POST). */
const pageOf = (ctx: Context) => {
  if (ctx.method === 'GET' && CONSOLE_PAGE.test(ctx.path)) return ctx.path;
  return typeof ctx.params?.id === 'string' ? `/admin/accounts/${ctx.params.id}` : '/admin';
};

/** "Confirm it's you" for the console: the same forms as My account, posting to /admin/confirm/… */
async function askToConfirm(ctx: Context, a: AccountSession, errors: FieldErrors, status: number, back = returnTo(ctx)): Promise<void> {
  await render(
    ctx,
    'admin/admin-confirm',
    {
      title: 'admin.confirm.title',
      returnTo: back,
      hasCode: a.account.totp.length > 0,
      hasPasskey: a.account.passkeys.length > 0,
      reauthMinutes: REAUTH_SECONDS / 60,
      errors,
    },
    status,
  );
}

/** For recentSecondFactor: a console change without a recent second factor asks for it, and changes nothing. */
export const askAgain = (ctx: Context, a: AccountSession) => askToConfirm(ctx, a, { form: 'account.reauth.required' }, 403, pageOf(ctx));

export const CONSOLE: ConfirmPlace = { who: staffOf, page: askToConfirm, landing: returnTo, via: 'console' };
