import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { factorFailure } from '../../web/factor-failure.ts';
import { MAX_LENGTH, MIN_LENGTH, newPasswordErrors } from '../../accounts/password-policy.ts';
import { changePassword as writeNewPassword } from '../../accounts/operations/password.ts';
import { checkPasswordAttempt } from '../../mfa/password/verify.ts';
import { accountOf } from '../session/guards.ts';
import { markReauthenticated, type AccountSession } from '../../mfa/reauth.ts';
import { accountChanged } from '../../mail/account-changed.ts';
import { whileClientWaits } from '../../web/client-gone.ts';

const FIELDS = { current_password: MAX_LENGTH, password: MAX_LENGTH, confirm: MAX_LENGTH };

type ChangePasswordDeps = Pick<Services, 'accounts' | 'limits' | 'audit' | 'store' | 'logout' | 'mailer' | 'background' | 'config'>;

/**
 * A new password, for someone who knows the current one (and confirmed the
 * second factor). Every other session and token of the account ends; this
 * browser's session and its applications' grants are kept.
 */
export function changePassword(s: ChangePasswordDeps) {
  const form = (ctx: Context, a: AccountSession, errors: FieldErrors, status = 200) =>
    render(ctx, 'account/account-password', { title: 'account.password.title', email: a.account.email, min: MIN_LENGTH, max: MAX_LENGTH, errors }, status);

  /** The current password, through the login's own check: same argon2 cost, same limits. */
  const currentPasswordProblem = async (ctx: Context, a: AccountSession, password: string): Promise<{ errors: FieldErrors; status: number } | undefined> => {
    const check = await checkPasswordAttempt(s, { email: normalizeEmail(a.account.email), password, ip: ctx.ip, via: 'self', signal: whileClientWaits(ctx) });
    if (check.kind === 'ok' && check.account.id === a.account.id) return undefined;
    if (check.kind === 'locked') {
      const { message, status } = factorFailure(ctx, 'password', check);
      return { errors: { current_password: message }, status };
    }
    return { errors: { current_password: 'account.password.wrong_current' }, status: 400 };
  };

  /** This browser's session stays signed in: its sign-in is re-stamped after the reset, and stays confirmed. */
  const keepThisSession = async (a: AccountSession, sessionsValidAfter: number) => {
    a.session.loginTs = sessionsValidAfter;
    await a.session.persist();
    await markReauthenticated(s, a.session);
  };

  return {
    async show(ctx: Context) {
      const a = accountOf(ctx);
      await form(ctx, a, {});
    },

    async submit(ctx: Context) {
      const a = accountOf(ctx);
      const { values, errors } = readForm(ctx, FIELDS, ['current_password', 'password', 'confirm']);
      if (Object.keys(newPasswordErrors(values, a.account.email, errors)).length) return form(ctx, a, errors, 400);

      const wrong = await currentPasswordProblem(ctx, a, values.current_password);
      if (wrong) return form(ctx, a, wrong.errors, wrong.status);

      const ownGrants = Object.values(a.session.authorizations ?? {})
        .map((auth) => auth.grantId)
        .filter((id): id is string => !!id);
      const updated = await writeNewPassword(s, { via: 'self' }, a.account.id, values.password, ownGrants);
      if (updated) await keepThisSession(a, updated.sessionsValidAfter);
      accountChanged(s, a.account, 'password');
      await render(ctx, 'message', { title: 'account.password.title', message: 'account.password.done', okUrl: '/account' });
    },
  };
}
