import type { Services } from '../../services.ts';
import { composeMail } from '../../mail/templates.ts';
import { issueSetPasswordLink } from '../../accounts/reset-tokens.ts';

type ResetLinkDeps = Pick<Services, 'accounts' | 'audit' | 'store' | 'config' | 'mailer'>;

/**
 * Mails a set-password link to a usable account; does nothing, silently, for
 * unknown or disabled addresses. Runs off the request path. The newest few
 * links stay live; setting a password voids them all.
 */
export async function sendResetLink(s: ResetLinkDeps, email: string): Promise<void> {
  const account = await s.accounts.findByEmail(email);
  if (!account || account.disabled) {
    s.audit('password.requested', { accountId: account?.id, sent: false, reason: account ? 'disabled' : 'unknown' });
    return;
  }
  const { link } = await issueSetPasswordLink(s, account, s.config.resetTokenTtlSeconds);
  const mail = await composeMail('reset', 'mail.reset.subject', account.email, account.locale, {
    name: account.name,
    link,
    minutes: Math.round(s.config.resetTokenTtlSeconds / 60),
  });
  s.audit('password.requested', { accountId: account.id, sent: true });
  await s.mailer.send(mail);
  s.audit('mail.sent', { accountId: account.id, template: 'reset' });
}
