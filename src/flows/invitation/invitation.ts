import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { issueSetPasswordLink, RESET_PURPOSE } from '../../accounts/reset-tokens.ts';
import { updateAccount } from '../../accounts/update.ts';
import { accountUsable } from '../../accounts/standing.ts';
import { nowSeconds } from '../../clock.ts';
import { composeMail } from '../../mail/templates.ts';

export type InvitationDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'mailer' | 'audit'>;

/** Why no invitation went out: the account is gone or disabled, or its password is already set. */
type NotInvited = 'unknown' | 'disabled' | 'accepted';

export interface Invited {
  account: Account;
  /** Resolves when the mail has been handed to the mail server. */
  delivery: Promise<void>;
}

/**
 * (Re)sends the welcome mail, in the account's language, with a set-password
 * link that lives INVITE_TTL_HOURS. Every earlier link of the account is voided
 * first, so a resent invitation leaves exactly one way in. The invitation is on
 * the account before the mail leaves, so a caller can answer at once.
 */
export async function sendInvitation(d: InvitationDeps, accountId: string, by: Record<string, string>): Promise<Invited | NotInvited> {
  const current = await d.accounts.findById(accountId);
  const refused: NotInvited | undefined = !current ? 'unknown' : !accountUsable(current) ? 'disabled' : current.passwordHash ? 'accepted' : undefined;
  if (refused || !current) {
    d.audit('invitation.not_sent', { accountId, reason: refused, ...by });
    return refused ?? 'unknown';
  }
  await d.store.tokens.drop(RESET_PURPOSE, accountId);
  const ttl = d.config.inviteTtlSeconds;
  const { link, hash } = await issueSetPasswordLink(d, current, ttl);
  const sentAt = nowSeconds();
  const account = await updateAccount(d.accounts, accountId, (a) => { a.invitation = { sentAt, expiresAt: sentAt + ttl, linkHash: hash }; });
  if (!account) return 'unknown';
  d.audit('invitation.sent', { accountId, expiresAt: sentAt + ttl, ...by });
  const delivery = composeMail('invitation', 'mail.invite.subject', account.email, account.locale, {
    name: account.name, email: account.email, link, hours: Math.round(ttl / 3600),
  }).then(async (mail) => {
    await d.mailer.send(mail);
    d.audit('mail.sent', { accountId, template: 'invitation' });
  });
  return { account, delivery };
}
