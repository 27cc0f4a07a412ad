import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { isEmailAddress, normalizeEmail } from '../../accounts/email.ts';
import { TooManyRequests } from '../../errors.ts';
import { rememberReturn } from '../return-to.ts';
import { sendResetLink } from './reset-link.ts';

const page = (ctx: Context, username: string, errors: FieldErrors, status = 200) =>
  render(ctx, 'request-password/request-password', { title: 'request.title', step: 1, username, errors }, status);

type RequestPasswordDeps = Pick<Services, 'provider' | 'config' | 'limits' | 'background' | 'accounts' | 'audit' | 'store' | 'mailer'>;

/**
 * "Wachtwoord opvragen": the answer is the same page, status and timing for
 * every well-formed address; the lookup and the mail happen after the response.
 */
export function requestPasswordFlow(s: RequestPasswordDeps) {
  return {
    async show(ctx: Context) {
      await rememberReturn(ctx, s, ctx.query.interaction);
      await page(ctx, '', {});
    },

    async submit(ctx: Context) {
      const form = readForm(ctx, { username: 254 });
      if (form.ok && !isEmailAddress(form.values.username)) form.errors.username = 'request.invalid_email';
      if (Object.keys(form.errors).length) return page(ctx, form.values.username, form.errors, 400);

      const email = normalizeEmail(form.values.username);
      const allowed = await s.limits.passwordRequest(email, ctx.ip);
      if (!allowed.ip) throw new TooManyRequests(3600);
      if (allowed.address) s.background('reset link', () => sendResetLink(s, email, ctx.ip));
      await render(ctx, 'message', { title: 'request.title', step: 1, message: 'request.sent', okUrl: '/password/continue' });
    },
  };
}
