import type { Services } from '../../services.ts';
import { hashPassword } from '../../accounts/password-hash.ts';
import { updateAccount } from '../../accounts/update.ts';
import { endOfEarlierSessions } from '../../accounts/admin.ts';
import { composeMail } from '../../mail/templates.ts';
import { RESET_PURPOSE } from '../request-password/reset-link.ts';

/**
 * Takes the link (exactly once, even with two browsers racing), sets the
 * password, and ends every session and token of the account. False when the
 * link was already used or replaced.
 */
export async function setPassword(s: Services, accountId: string, tokenHash: string, password: string): Promise<boolean> {
  if (!(await s.store.tokens.take(RESET_PURPOSE, accountId, tokenHash))) return false;
  const passwordHash = await hashPassword(password);
  const account = await updateAccount(s.accounts, accountId, (a) => {
    a.passwordHash = passwordHash;
    a.sessionsValidAfter = endOfEarlierSessions();
  });
  if (!account) return false;
  s.audit('password.set', { accountId });
  s.background('password-set notification', async () => {
    await s.mailer.send(await composeMail('password-set', 'mail.set.subject', account.email, account.locale, { name: account.name }));
    s.audit('mail.sent', { accountId, template: 'password-set' });
  });
  return true;
}
