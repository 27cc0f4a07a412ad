import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render, type PageState } from '../../web/render.ts';
import { hasSecondFactor } from '../../accounts/account.ts';
import { factorList } from '../../i18n/format.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { MAX_LENGTH, MIN_LENGTH } from '../../accounts/password-policy.ts';
import { parseResetToken, RESET_PURPOSE } from '../../accounts/reset-tokens.ts';
import { accountUsable } from '../../accounts/standing.ts';
import { setPasswordByLink } from './set-password.ts';
import { newPasswordErrors } from './new-password.ts';
import { expiredInvitationFlow, isExpiredInvitation } from '../invitation/expired-link.ts';
import { invitationOpenFor } from '../../accounts/upstream-links.ts';

type Token = NonNullable<ReturnType<typeof parseResetToken>>;

const linkExpired = (ctx: Context) =>
  render(ctx, 'message', { title: 'set.link_title', message: 'set.error.link', okUrl: '/password/request', okLabel: 'login.request_password' }, 410);

/** `invitation`: the link is an open invitation, which may also be completed with an institution account (#26). */
const form = (ctx: Context, token: string, errors: FieldErrors, status = 200, invitation = false) =>
  render(ctx, 'set-password', { title: 'set.title', step: 2, token, errors, min: MIN_LENGTH, max: MAX_LENGTH, invitation }, status);

type SetPasswordFlowDeps = Pick<Services, 'store' | 'logout' | 'accounts' | 'limits' | 'audit' | 'background' | 'mailer' | 'config'>;

/**
 * The e-mailed link. Opening it consumes nothing (mail scanners open links);
 * the token is taken, once and atomically, only when a valid password is posted.
 * It works in any browser; it never logs anyone in.
 */
export function setPasswordFlow(s: SetPasswordFlowDeps) {
  const live = (t: Token | undefined) => (t ? s.store.tokens.peek(RESET_PURPOSE, t.accountId, t.hash) : false);
  const expiredInvitation = expiredInvitationFlow(s);
  return {
    async show(ctx: Context) {
      const raw = String(ctx.query.token ?? '');
      const token = parseResetToken(raw);
      if (!token) return linkExpired(ctx);
      const [isLive, account] = await Promise.all([live(token), s.accounts.findById(token.accountId)]);
      if (!isLive) return isExpiredInvitation(account, token.hash) ? expiredInvitation.show(ctx, account, raw) : linkExpired(ctx);
      // The link may be opened in any browser: speak the account's language unless the user chose one.
      adoptLocale(ctx, account?.locale);
      await form(ctx, raw, {}, 200, invitationOpenFor(account, token.hash));
    },

    renewInvitation: expiredInvitation.renew,

    async submit(ctx: Context) {
      const { values, errors } = readForm(ctx, { token: 200, password: MAX_LENGTH, confirm: MAX_LENGTH }, ['password', 'confirm']);
      const token = parseResetToken(values.token);
      if (!token || !(await live(token))) return linkExpired(ctx);
      const account = await s.accounts.findById(token.accountId);
      if (!account || !accountUsable(account)) return linkExpired(ctx);
      adoptLocale(ctx, account.locale);

      const fieldErrors: FieldErrors = { ...errors };
      delete fieldErrors.token;
      if (Object.keys(newPasswordErrors(values, account.email, fieldErrors)).length) return form(ctx, values.token, fieldErrors, 400);

      const updated = await setPasswordByLink(s, account.id, token.hash, values.password, ctx.ip);
      if (!updated) return linkExpired(ctx);
      // A reset, not a first password: the factors that remain, to check (someone who knew the old password may have added one).
      const factors = hasSecondFactor(updated) ? { factors: factorList((ctx.state as PageState).locale, updated) } : {};
      await render(ctx, 'message', { title: 'set.title', step: 2, message: factors.factors ? 'set.done_reset' : 'set.done', okUrl: '/password/continue', ...factors });
    },
  };
}
