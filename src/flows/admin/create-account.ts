import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { isEmailAddress, normalizeEmail } from '../../accounts/email.ts';
import { createAccount, NAME_MAX } from '../../accounts/operations/lifecycle.ts';
import { isLocale } from '../../i18n/index.ts';
import { staffActor } from './staff-action.ts';
import { inviteFromConsole } from './invite.ts';

/** The optional checkbox, apart from the required text fields. */
const inviteChecked = (ctx: Context) => (ctx.request as unknown as { body?: Record<string, unknown> }).body?.invite === 'yes';

const FIELDS = { email: 254, name: NAME_MAX, locale: 2 };

type CreateAccountDeps = Pick<Services, 'store' | 'audit' | 'accounts' | 'config' | 'mailer'>;

/**
 * A new account, as `idp accounts create` makes it: no password, no factor.
 * With "send invitation" ticked the holder gets the welcome mail with a
 * set-password link; otherwise they use "Wachtwoord opvragen".
 */
export function newAccountForm(s: CreateAccountDeps) {
  const form = (ctx: Context, values: Record<string, string>, errors: FieldErrors, status = 200) =>
    render(ctx, 'admin/admin-create', { title: 'admin.create.title', values, errors }, status);

  return {
    show: (ctx: Context) => form(ctx, { email: '', name: '', locale: 'nl', invite: 'yes' }, {}),

    async submit(ctx: Context) {
      const { values, errors } = readForm(ctx, FIELDS);
      if (values.email && !errors.email && !isEmailAddress(values.email)) errors.email = 'request.invalid_email';
      if (!isLocale(values.locale)) errors.locale = 'admin.create.locale_invalid';
      if (Object.keys(errors).length) return form(ctx, { ...values, invite: inviteChecked(ctx) ? 'yes' : '' }, errors, 400);

      const account = await createAccount(s, staffActor(ctx), { email: normalizeEmail(values.email), name: values.name, locale: values.locale as 'nl' | 'en' });
      if (!account) return form(ctx, values, { email: 'admin.create.exists' }, 409);
      if (inviteChecked(ctx)) await inviteFromConsole(s, staffActor(ctx), account);
      ctx.status = 303;
      ctx.redirect(`/admin/accounts/${account.id}`);
    },
  };
}
