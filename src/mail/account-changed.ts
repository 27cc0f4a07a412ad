import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import type { AuditEvent } from '../audit.ts';
import type { MessageKey } from '../i18n/index.ts';
import { composeMail } from './templates.ts';
import { formatTime } from '../i18n/format.ts';
import { nowMs } from '../clock.ts';

/** What can change on My account: its audit event, and the sentence the notification mail uses. */
const CHANGES = {
  password: { event: 'password.changed', text: 'mail.changed.password' },
  totp_added: { event: 'mfa.enrolled', text: 'mail.changed.totp_added' },
  totp_removed: { event: 'mfa.removed', text: 'mail.changed.totp_removed' },
  passkey_added: { event: 'mfa.enrolled', text: 'mail.changed.passkey_added' },
  passkey_removed: { event: 'mfa.removed', text: 'mail.changed.passkey_removed' },
  recovery_codes: { event: 'recovery.regenerated', text: 'mail.changed.recovery_codes' },
  signed_out: { event: 'sessions.ended', text: 'mail.changed.signed_out' },
} satisfies Record<string, { event: AuditEvent; text: MessageKey }>;

type AccountChange = keyof typeof CHANGES;

type NotifyDeps = Pick<Services, 'audit' | 'mailer' | 'background' | 'config'>;

/** Where the holder checks the ways they sign in, and removes one they do not recognise (My account's list). */
export const reviewFactorsUrl = (issuer: string) => `${issuer}/account#factors-title`;

/**
 * Every change on My account leaves an audit event and tells the owner by mail,
 * in their language, so that a change they did not make does not go unnoticed.
 * The mail goes out after the response.
 */
export function accountChanged(s: NotifyDeps, account: Account, change: AccountChange, fields: Record<string, unknown> = {}): void {
  const { event, text } = CHANGES[change];
  s.audit(event, { accountId: account.id, via: 'account', change, ...fields });
  tellHolder(s, account, change, text, 'account');
}

/** Who made a change the holder is told about: the holder on My account (or completing an invitation), or CBS staff in the helpdesk console. */
const BODY = { account: 'mail.changed.body', helpdesk: 'mail.changed.body_helpdesk', invitation: 'upstream.mail.body_invitation' /* #26 */ } satisfies Record<string, MessageKey>;

/** The "your account has been changed" mail, in the holder's language, sent after the response. */
export function tellHolder(s: NotifyDeps, account: Account, change: string, text: MessageKey, by: keyof typeof BODY): void {
  s.background('account-changed notification', async () => {
    await s.mailer.send(await composeMail('account-changed', 'mail.changed.subject', account.email, account.locale, {
      name: account.name,
      body: BODY[by],
      change: text,
      at: formatTime(account.locale, new Date(nowMs())),
      review: reviewFactorsUrl(s.config.issuer),
    }));
    s.audit('mail.sent', { accountId: account.id, template: 'account-changed', change });
  });
}
