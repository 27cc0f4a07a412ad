import type { Locale, MessageKey } from './index.ts';
import type { Account } from '../accounts/account.ts';

/** A moment as CBS's users read it: Dutch time, in the page's language. */
export function formatTime(locale: Locale, epochSeconds: number | Date): string {
  const date = epochSeconds instanceof Date ? epochSeconds : new Date(epochSeconds * 1000);
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(date);
}

/** A calendar day (YYYY-MM-DD, such as an end date) in words, in the page's language. */
export function formatDay(locale: Locale, day: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/**
 * An account's second factors as its holder reads them (My account, the console,
 * the pages and mails that ask to check them): apps and passkeys with the moment
 * each was added, and the recovery codes left.
 */
export function factorList(locale: Locale, account: Pick<Account, 'totp' | 'passkeys' | 'recoveryCodes'>) {
  const when = (at: number) => (at ? formatTime(locale, at) : '');
  return {
    apps: account.totp.map((f) => ({ id: f.id, added: when(f.createdAt) })),
    passkeys: account.passkeys.map((p) => ({ id: p.id, name: p.name, kind: `account.kind.${p.kind}` as MessageKey, added: when(p.createdAt) })),
    recoveryCodes: account.recoveryCodes.length,
  };
}

/** A recorded sign-in's amr values ("pwd+otp+mfa") in words. Recovery codes count as codes (RFC 8176 'otp'). */
export function signInMethod(method: string): MessageKey {
  const amr = method.split('+');
  const passkey = amr.includes('hwk') || amr.includes('swk');
  if (amr.includes('pwd')) return passkey ? 'account.method.password_passkey' : 'account.method.password_code';
  // #26: an institution's login, then CBS's second factor.
  if (amr.includes('fed')) return passkey ? 'upstream.method.passkey' : 'upstream.method.code';
  return passkey ? 'account.method.passkey' : 'account.method.other';
}
