import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { render } from '../../web/render.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { readForm } from '../../web/form.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { TooManyRequests } from '../../errors.ts';
import { parseResetToken } from '../../accounts/reset-tokens.ts';
import { isExpiredInvitation, sendInvitation } from '../../accounts/invitation.ts';

type ExpiredInvitationDeps = Pick<Services, 'audit' | 'accounts' | 'limits' | 'background' | 'store' | 'config' | 'mailer'>;

/**
 * An expired invitation link says so and offers a fresh one, sent to the
 * account's own address (never one typed here). The answer is the neutral
 * "request password" message, and the mail goes out after the response.
 */
export function expiredInvitationFlow(s: ExpiredInvitationDeps) {
  return {
    async show(ctx: Context, account: Account, token: string): Promise<void> {
      adoptLocale(ctx, account.locale);
      s.audit('invitation.expired_link', { accountId: account.id });
      await render(ctx, 'invitation/invitation-expired', { title: 'set.invitation_title', token }, 410);
    },

    async renew(ctx: Context): Promise<void> {
      const token = parseResetToken(readForm(ctx, { token: 200 }).values.token);
      const account = token ? await s.accounts.findById(token.accountId) : undefined;
      if (token && isExpiredInvitation(account, token.hash)) {
        const allowed = await s.limits.passwordRequest(normalizeEmail(account.email), ctx.ip);
        if (!allowed.ip) throw new TooManyRequests(3600);
        if (allowed.address) {
          s.background('invitation renewal', async () => {
            const sent = await sendInvitation(s, { via: 'self' }, account.id);
            if (typeof sent !== 'string') await sent.delivery;
          });
        }
      }
      await render(ctx, 'message', { title: 'set.invitation_title', message: 'request.sent', okUrl: '/password/continue' });
    },
  };
}
