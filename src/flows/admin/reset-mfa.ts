import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { resetSecondFactors } from '../../accounts/operations/factors.ts';
import { tellHolder } from '../../mail/account-changed.ts';
import { targetOf } from './guards.ts';
import { actionDone, staffActor } from './staff-action.ts';

/** How the caller's identity was checked, in the staff member's words: required, kept in the audit log and the account's history. */
const FIELDS = { identity_check: 500 };

type ResetMfaDeps = Pick<Services, 'store' | 'logout' | 'audit' | 'mailer' | 'background' | 'config'>;

/**
 * "I lost my phone": every second factor and recovery code goes, every session
 * and token ends, and the next sign-in enrols a new factor after the password.
 * The holder is told by mail, so a reset they did not ask for does not go unnoticed.
 */
export function resetMfa(s: ResetMfaDeps) {
  const form = (ctx: Context, errors: FieldErrors, status = 200) => {
    const a = targetOf(ctx);
    return render(ctx, 'admin/admin-reset-mfa', { title: 'admin.reset.title', account: { id: a.id, name: a.name, email: a.email }, errors }, status);
  };

  return {
    show: (ctx: Context) => form(ctx, {}),

    async submit(ctx: Context) {
      const { values, errors, ok } = readForm(ctx, FIELDS);
      if (!ok) return form(ctx, errors, 400);
      const target = targetOf(ctx);
      const reset = await resetSecondFactors(s, staffActor(ctx), target.id, values.identity_check);
      if (!reset) return render(ctx, 'error', { title: 'admin.title', message: 'error.not_found' }, 404);
      tellHolder(s, target, 'mfa_reset', 'mail.changed.mfa_reset', 'helpdesk');
      await actionDone(ctx, 'admin.reset.done');
    },
  };
}
