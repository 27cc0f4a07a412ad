import type { Locale, MessageKey } from './index.ts';

/** A moment as CBS's users read it: Dutch time, in the page's language. */
export function formatTime(locale: Locale, epochSeconds: number | Date): string {
  const date = epochSeconds instanceof Date ? epochSeconds : new Date(epochSeconds * 1000);
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(date);
}

/** A calendar day (YYYY-MM-DD, such as an end date) in words, in the page's language. */
export function formatDay(locale: Locale, day: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** A recorded sign-in's amr values ("pwd+otp+mfa") in words. Recovery codes count as codes (RFC 8176 'otp'). */
export function signInMethod(method: string): MessageKey {
  const amr = method.split('+');
  const passkey = amr.includes('hwk') || amr.includes('swk');
  if (amr.includes('pwd')) return passkey ? 'account.method.password_passkey' : 'account.method.password_code';
  return passkey ? 'account.method.passkey' : 'account.method.other';
}
