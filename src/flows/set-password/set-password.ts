import type { Services } from '../../services.ts';
import { setPassword } from '../../accounts/operations/password.ts';
import { takeSetPasswordLink } from '../../accounts/reset-tokens.ts';
import { composeMail } from '../../mail/templates.ts';
import { reviewFactorsUrl } from '../../mail/account-changed.ts';
import { factorList } from '../../i18n/format.ts';
import type { Account } from '../../accounts/account.ts';
import { normalizeEmail } from '../../accounts/email.ts';

type SetPasswordDeps = Pick<Services, 'store' | 'logout' | 'limits' | 'audit' | 'background' | 'mailer' | 'config'>;

/**
 * Takes the link (exactly once, even with two browsers racing), sets the
 * password, ends every session and token of the account and voids its other
 * links, and lifts the password locks: the owner proved control of the mailbox.
 * The mail lists the second factors still on the account, with where to remove
 * one the owner does not recognise. Undefined when the link was already used or replaced.
 */
export async function setPasswordByLink(s: SetPasswordDeps, accountId: string, tokenHash: string, password: string, ip: string): Promise<Account | undefined> {
  const link = await takeSetPasswordLink(s.store, { accountId, hash: tokenHash });
  if (!link) return undefined;
  const account = await setPassword(s, { via: 'self' }, accountId, password, { linkMailedTo: link.mailedTo });
  if (!account) return undefined;
  await s.limits.liftPasswordLocks({ account: normalizeEmail(account.email), ip });
  s.background('password-set notification', async () => {
    await s.mailer.send(
      await composeMail('password-set', 'mail.set.subject', account.email, account.locale, {
        name: account.name,
        factors: factorList(account),
        review: reviewFactorsUrl(s.config.issuer),
      }),
    );
    s.audit('mail.sent', { accountId, template: 'password-set' });
  });
  return account;
}
