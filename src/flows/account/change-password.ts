import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { checkPassword, MAX_LENGTH, MIN_LENGTH } from '../../accounts/password-policy.ts';
import { hashPassword } from '../../accounts/password-hash.ts';
import { updateAccount } from '../../accounts/update.ts';
import { checkCredentials } from '../login/credentials.ts';
import type { AccountSession } from './account-session.ts';
import type { accountGuards } from './guards.ts';
import { accountChanged } from './notify.ts';

const FIELDS = { current_password: MAX_LENGTH, password: MAX_LENGTH, confirm: MAX_LENGTH };

/** A new password, for someone who knows the current one (and confirmed the second factor). */
export function changePassword(s: Services, guards: ReturnType<typeof accountGuards>) {
  const form = (ctx: Context, a: AccountSession, errors: FieldErrors, status = 200) =>
    render(ctx, 'account-password', { title: 'account.password.title', email: a.account.email, min: MIN_LENGTH, max: MAX_LENGTH, errors }, status);

  /** The current password, through the login's own check: same argon2 cost, same lockout counters. */
  const currentPasswordProblem = async (ctx: Context, a: AccountSession, password: string): Promise<{ errors: FieldErrors; status: number } | undefined> => {
    const check = await checkCredentials(s, a.account.email, password, ctx.ip);
    if (check.kind === 'ok' && check.account.id === a.account.id) return undefined;
    if (check.kind === 'locked') return { errors: { current_password: { key: 'login.locked', params: { minutes: Math.ceil(check.seconds / 60) } } }, status: 429 };
    return { errors: { current_password: 'account.password.wrong_current' }, status: 400 };
  };

  return {
    async show(ctx: Context) {
      const a = await guards.reauthenticated(ctx);
      if (a) await form(ctx, a, {});
    },

    async submit(ctx: Context) {
      const a = await guards.reauthenticated(ctx);
      if (!a) return;
      const { values, errors } = readForm(ctx, FIELDS, ['current_password', 'password', 'confirm']);
      const problem = values.password ? checkPassword(values.password, a.account.email)[0] : undefined;
      if (problem) errors.password = { key: `set.error.${problem}`, params: { min: MIN_LENGTH, max: MAX_LENGTH } };
      if (!errors.password && !errors.confirm && values.password !== values.confirm) errors.confirm = 'set.error.mismatch';
      if (Object.keys(errors).length) return form(ctx, a, errors, 400);

      const wrong = await currentPasswordProblem(ctx, a, values.current_password);
      if (wrong) return form(ctx, a, wrong.errors, wrong.status);

      const passwordHash = await hashPassword(values.password);
      await updateAccount(s.accounts, a.account.id, (acc) => { acc.passwordHash = passwordHash; });
      accountChanged(s, a.account, 'password');
      await render(ctx, 'message', { title: 'account.password.title', message: 'account.password.done', okUrl: '/account' });
    },
  };
}
