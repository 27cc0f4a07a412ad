import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { hasSecondFactor, type Account } from '../../accounts/account.ts';
import { factorList } from '../../i18n/format.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { MAX_LENGTH, MIN_LENGTH, newPasswordErrors } from '../../accounts/password-policy.ts';
import { parseResetToken, setPasswordLinkLive } from '../../accounts/reset-tokens.ts';
import { accountUsable } from '../../accounts/standing.ts';
import { setPasswordByLink } from './set-password.ts';
import { isExpiredInvitation } from '../../accounts/invitation.ts';
import { invitationOpenFor } from '../../accounts/upstream-links.ts';

type Token = NonNullable<ReturnType<typeof parseResetToken>>;

const linkExpired = (ctx: Context) =>
  render(ctx, 'message', { title: 'set.link_title', message: 'set.error.link', okUrl: '/password/request', okLabel: 'login.request_password' }, 410);

/**
 * The account's address goes with the form as its username, so that a password manager saves the new password for it (WCAG 3.3.7).
 * `invitation`: the link is an open invitation, which may also be completed with an institution account (#26).
 */
const form = (ctx: Context, token: string, email: string, errors: FieldErrors, status = 200, invitation = false) =>
  render(ctx, 'set-password/set-password', { title: 'set.title', step: 2, token, email, errors, min: MIN_LENGTH, max: MAX_LENGTH, invitation }, status);

type SetPasswordFlowDeps = Pick<Services, 'store' | 'logout' | 'accounts' | 'limits' | 'audit' | 'background' | 'mailer' | 'config'>;

/** The invitation flow's page for an invitation link that has expired (routes.ts hands it over: a flow imports no other). */
type ExpiredInvitationPage = (ctx: Context, account: Account, token: string) => Promise<void>;

/**
 * The e-mailed link. Opening it consumes nothing (mail scanners open links);
 * the token is taken, once and atomically, only when a valid password is posted.
 * It works in any browser; it never logs anyone in.
 */
export function setPasswordFlow(s: SetPasswordFlowDeps, expiredInvitation: ExpiredInvitationPage) {
  const live = (t: Token | undefined) => (t ? setPasswordLinkLive(s.store, t) : false);
  return {
    async show(ctx: Context) {
      const raw = String(ctx.query.token ?? '');
      const token = parseResetToken(raw);
      if (!token) return linkExpired(ctx);
      const [isLive, account] = await Promise.all([live(token), s.accounts.findById(token.accountId)]);
      if (!isLive) return isExpiredInvitation(account, token.hash) ? expiredInvitation(ctx, account, raw) : linkExpired(ctx);
      // The link may be opened in any browser: speak the account's language unless the user chose one.
      adoptLocale(ctx, account?.locale);
      await form(ctx, raw, account?.email ?? '', {}, 200, invitationOpenFor(account, token.hash));
    },

    async submit(ctx: Context) {
      const { values, errors } = readForm(ctx, { token: 200, password: MAX_LENGTH, confirm: MAX_LENGTH }, ['password', 'confirm']);
      const token = parseResetToken(values.token);
      if (!token || !(await live(token))) return linkExpired(ctx);
      const account = await s.accounts.findById(token.accountId);
      if (!account || !accountUsable(account)) return linkExpired(ctx);
      adoptLocale(ctx, account.locale);

      const fieldErrors: FieldErrors = { ...errors };
      delete fieldErrors.token;
      if (Object.keys(newPasswordErrors(values, account.email, fieldErrors)).length) return form(ctx, values.token, account.email, fieldErrors, 400);

      const updated = await setPasswordByLink(s, account.id, token.hash, values.password, ctx.ip);
      if (!updated) return linkExpired(ctx);
      // A reset, not a first password: the factors that remain, to check (someone who knew the old password may have added one).
      const factors = hasSecondFactor(updated) ? { factors: factorList(updated) } : {};
      await render(ctx, 'message', {
        title: 'set.title',
        step: 2,
        message: factors.factors ? 'set.done_reset' : 'set.done',
        okUrl: '/password/continue',
        ...factors,
      });
    },
  };
}
