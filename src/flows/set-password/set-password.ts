import type { Services } from '../../services.ts';
import { setPassword } from '../../accounts/operations.ts';
import { RESET_PURPOSE } from '../../accounts/reset-tokens.ts';
import { composeMail } from '../../mail/templates.ts';
import { normalizeEmail } from '../../accounts/email.ts';

type SetPasswordDeps = Pick<Services, 'store' | 'logout' | 'limits' | 'audit' | 'background' | 'mailer'>;

/**
 * Takes the link (exactly once, even with two browsers racing), sets the
 * password, ends every session and token of the account and voids its other
 * links, and lifts the password locks: the owner proved control of the mailbox.
 * False when the link was already used or replaced.
 */
export async function setPasswordByLink(s: SetPasswordDeps, accountId: string, tokenHash: string, password: string, ip: string): Promise<boolean> {
  if (!(await s.store.tokens.take(RESET_PURPOSE, accountId, tokenHash))) return false;
  const account = await setPassword(s, accountId, password);
  if (!account) return false;
  await s.limits.liftPasswordLocks({ account: normalizeEmail(account.email), ip });
  s.audit('password.set', { accountId });
  s.background('password-set notification', async () => {
    await s.mailer.send(await composeMail('password-set', 'mail.set.subject', account.email, account.locale, { name: account.name }));
    s.audit('mail.sent', { accountId, template: 'password-set' });
  });
  return true;
}
