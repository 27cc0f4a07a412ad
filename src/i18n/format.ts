import type { MessageKey } from './index.ts';
import type { Account } from '../accounts/account.ts';

/** A stored moment (epoch seconds) as the messages take it; 0 means not recorded. */
export const momentOf = (epochSeconds: number): Date | undefined => (epochSeconds ? new Date(epochSeconds * 1000) : undefined);

/** A calendar day (YYYY-MM-DD, such as an end date) as the messages take it: noon UTC is that same day in Dutch time. */
export const dayOf = (day: string): Date => new Date(`${day}T12:00:00Z`);

/**
 * An account's second factors as its holder reads them (My account, the console,
 * the pages and mails that ask to check them): apps and passkeys with the moment
 * each was added, and the recovery codes left.
 */
export function factorList(account: Pick<Account, 'totp' | 'passkeys' | 'recoveryCodes'>) {
  return {
    apps: account.totp.map((f) => ({ id: f.id, added: momentOf(f.createdAt) })),
    passkeys: account.passkeys.map((p) => ({ id: p.id, name: p.name, kind: `account.kind.${p.kind}` as MessageKey, added: momentOf(p.createdAt) })),
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
