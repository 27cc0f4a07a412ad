import type { Services } from '../../services.ts';
import { randomToken, tokenHash } from '../../security/random-token.ts';
import { composeMail } from '../../mail/templates.ts';

import { RESET_PURPOSE } from '../../accounts/reset-tokens.ts';

/** Live links per account: a stranger asking for a link cannot void the one the owner is about to use. */
const LIVE_LINKS = 3;

/**
 * A new set-password link for the account (the newest few stay live). Only the
 * secret's hash is stored; the link is built from ISSUER, never from the request's Host header.
 */
export async function issueSetPasswordLink(s: Pick<Services, 'store' | 'config'>, accountId: string, ttlSeconds: number): Promise<{ link: string; hash: string }> {
  const secret = randomToken();
  const hash = tokenHash(secret);
  await s.store.tokens.put(RESET_PURPOSE, accountId, hash, ttlSeconds, { keep: LIVE_LINKS });
  return { link: `${s.config.issuer}/password/set?token=${accountId}.${secret}`, hash };
}

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
  const { link } = await issueSetPasswordLink(s, account.id, s.config.resetTokenTtlSeconds);
  const mail = await composeMail('reset', 'mail.reset.subject', account.email, account.locale, {
    name: account.name,
    link,
    minutes: Math.round(s.config.resetTokenTtlSeconds / 60),
  });
  s.audit('password.requested', { accountId: account.id, sent: true });
  await s.mailer.send(mail);
  s.audit('mail.sent', { accountId: account.id, template: 'reset' });
}
