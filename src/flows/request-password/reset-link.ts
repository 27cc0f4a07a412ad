import type { Services } from '../../services.ts';
import { composeMail } from '../../mail/templates.ts';
import { issueSetPasswordLink } from '../../accounts/reset-tokens.ts';
import { accountUsable } from '../../accounts/standing.ts';

type ResetLinkDeps = Pick<Services, 'accounts' | 'audit' | 'store' | 'config' | 'mailer' | 'limits'>;

/**
 * Mails a set-password link to a usable account; does nothing, silently, for
 * unknown, disabled or ended accounts. Runs off the request path, so that
 * neither the answer nor its timing says which it was; that is also where a
 * request for no usable account counts against its requester, and where a
 * requester that asked for too many of those gets nothing sent. The newest few
 * links stay live; setting a password voids them all.
 */
export async function sendResetLink(s: ResetLinkDeps, email: string, ip: string): Promise<void> {
  const account = await s.accounts.findByEmail(email);
  if (!account || !accountUsable(account)) {
    await s.limits.unknownAddressRequested(ip);
    s.audit('password.requested', { accountId: account?.id, sent: false, reason: account ? 'unusable' : 'unknown', ip });
    return;
  }
  if (await s.limits.sprayingFrom(ip)) {
    s.audit('password.requested', { accountId: account.id, sent: false, reason: 'requester_sprays', ip });
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
