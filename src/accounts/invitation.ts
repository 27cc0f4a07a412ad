import type { Services } from '../services.ts';
import { invitationState, type Account } from './account.ts';
import { issueSetPasswordLink, voidSetPasswordLinks } from './reset-tokens.ts';
import { accountsOf, updateAccount } from './update.ts';
import { accountUsable } from './standing.ts';
import { actorFields, recordEvent, type Actor } from './events.ts';
import { nowSeconds } from '../clock.ts';
import { composeMail } from '../mail/templates.ts';

type InvitationDeps = Pick<Services, 'store' | 'config' | 'mailer' | 'audit'>;

/** Why no invitation went out: the account is gone or disabled, or its password is already set. */
type NotInvited = 'unknown' | 'disabled' | 'accepted';

export interface Invited {
  account: Account;
  /** Resolves when the mail has been handed to the mail server. */
  delivery: Promise<void>;
}

/**
 * (Re)sends the welcome mail, in the account's language, with a set-password
 * link that lives INVITE_TTL_HOURS; the console, the CLI, SCIM and an expired
 * link's "send me a new one" all send it so. Every earlier link of the account
 * is voided first, so a resent invitation leaves exactly one way in. The
 * invitation is on the account before the mail leaves, so a caller can answer at once.
 */
export async function sendInvitation(d: InvitationDeps, actor: Actor, accountId: string): Promise<Invited | NotInvited> {
  const current = await accountsOf(d.store).findById(accountId);
  const refused: NotInvited | undefined = !current ? 'unknown' : !accountUsable(current) ? 'disabled' : current.passwordHash ? 'accepted' : undefined;
  if (refused || !current) {
    d.audit('invitation.not_sent', { accountId, reason: refused, ...actorFields(actor) });
    return refused ?? 'unknown';
  }
  await voidSetPasswordLinks(d.store, accountId);
  const ttl = d.config.inviteTtlSeconds;
  const { link, hash } = await issueSetPasswordLink(d, current, ttl);
  const sentAt = nowSeconds();
  const account = await updateAccount(accountsOf(d.store), accountId, (a) => {
    a.invitation = { sentAt, expiresAt: sentAt + ttl, linkHash: hash };
  });
  if (!account) return 'unknown';
  await recordEvent(d, actor, accountId, 'sendInvitation', { expiresAt: sentAt + ttl });
  const delivery = composeMail('invitation', 'mail.invite.subject', account.email, account.locale, {
    name: account.name,
    email: account.email,
    link,
    hours: Math.round(ttl / 3600),
  }).then(async (mail) => {
    await d.mailer.send(mail);
    d.audit('mail.sent', { accountId, template: 'invitation' });
  });
  return { account, delivery };
}

/** The account's newest invitation link, never used, past its lifetime: worth a new mail rather than "invalid link". */
export function isExpiredInvitation(account: Account | undefined, linkHash: string): account is Account {
  const invitation = account?.invitation;
  return !!invitation && accountUsable(account) && invitation.linkHash === linkHash && invitationState(invitation) === 'expired';
}
