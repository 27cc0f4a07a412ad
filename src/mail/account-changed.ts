import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import type { MessageKey } from '../i18n/index.ts';
import { composeMail } from './templates.ts';
import { nowMs } from '../clock.ts';

/** What can change on My account, and the sentence the notification mail uses. */
const CHANGES = {
  password: 'mail.changed.password',
  totp_added: 'mail.changed.totp_added',
  totp_removed: 'mail.changed.totp_removed',
  passkey_added: 'mail.changed.passkey_added',
  passkey_removed: 'mail.changed.passkey_removed',
  recovery_codes: 'mail.changed.recovery_codes',
  signed_out: 'mail.changed.signed_out',
} satisfies Record<string, MessageKey>;

type AccountChange = keyof typeof CHANGES;

type NotifyDeps = Pick<Services, 'audit' | 'mailer' | 'background' | 'config'>;

/** Where the holder checks the ways they sign in, and removes one they do not recognise (My account's list). */
export const reviewFactorsUrl = (issuer: string) => `${issuer}/account#factors-title`;

/**
 * Every change on My account tells the owner by mail, in their language, so
 * that a change they did not make does not go unnoticed (its audit event is the
 * account operation's). The mail goes out after the response.
 */
export function accountChanged(s: NotifyDeps, account: Account, change: AccountChange): void {
  tellHolder(s, account, change, CHANGES[change], 'account');
}

/** Who made a change the holder is told about: the holder on My account (or completing an invitation), or CBS staff in the helpdesk console. */
const BODY = { account: 'mail.changed.body', helpdesk: 'mail.changed.body_helpdesk', invitation: 'upstream.mail.body_invitation' /* #26 */ } satisfies Record<
  string,
  MessageKey
>;

/** The "your account has been changed" mail, in the holder's language, sent after the response. */
export function tellHolder(s: NotifyDeps, account: Account, change: string, text: MessageKey, by: keyof typeof BODY): void {
  s.background('account-changed notification', async () => {
    await s.mailer.send(
      await composeMail('account-changed', 'mail.changed.subject', account.email, account.locale, {
        name: account.name,
        body: BODY[by],
        change: text,
        at: new Date(nowMs()),
        review: reviewFactorsUrl(s.config.issuer),
      }),
    );
    s.audit('mail.sent', { accountId: account.id, template: 'account-changed', change });
  });
}
