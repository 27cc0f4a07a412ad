import type { Store } from '../../../adapters/types.ts';
import { nowSeconds } from '../../clock.ts';
import { hasSecondFactor, type Account, type PasskeyFactor } from '../account.ts';
import type { EndSessionsDeps } from '../sessions-ended.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type AccountDeps, type Actor } from '../events.ts';
import { resetSessions } from './sessions.ts';

export class FactorAlreadyEnrolled extends Error {
  constructor() {
    super('the account gained a second factor during this sign-in');
  }
}

export type NewFactor = { totp: { secret: string; sameAs?: (sealed: string) => boolean } } | { passkey: PasskeyFactor };

/**
 * Adds an authenticator app or passkey, once (the same form posted twice adds
 * it once). At the sign-in's enrolment (`first`) it refuses, atomically with
 * the write, when the account gained a factor since — a half-finished sign-in
 * may not add a second way in — and stores the first recovery codes with it.
 */
export async function addFactor(
  s: AccountDeps,
  actor: Actor,
  id: string,
  factor: NewFactor,
  first: boolean,
  recoveryHashes?: string[],
): Promise<Account | undefined> {
  const account = await updateAccount(accountsOf(s.store), id, (a) => {
    if (first && hasSecondFactor(a)) throw new FactorAlreadyEnrolled();
    if (recoveryHashes) a.recoveryCodes = recoveryHashes;
    if ('passkey' in factor) {
      // Stamped on the clock of sign-ins (signInTime): a passkey added after a sign-in's password step is never older than it.
      if (!a.passkeys.some((p) => p.id === factor.passkey.id))
        a.passkeys.push({ ...factor.passkey, createdAt: Math.max(factor.passkey.createdAt, a.sessionsValidAfter) });
    } else if (!a.totp.some((t) => factor.totp.sameAs?.(t.secret))) {
      a.totp.push({ id: crypto.randomUUID(), secret: factor.totp.secret, createdAt: nowSeconds() });
    }
  });
  // The factor as the ID token's amr names it: otp for an app, hwk or swk for a passkey.
  if (account) await recordEvent(s, actor, id, 'addFactor', { factor: 'passkey' in factor ? factor.passkey.kind : 'otp' });
  return account;
}

type Removal = 'removed' | 'last' | 'unknown';

/**
 * Removes one authenticator app or passkey, but never the account's last second
 * factor (the next sign-in would otherwise start enrolment with only a password).
 * Decided on the fresh read inside the update, so two parallel removals cannot
 * together take away both of the last two.
 */
export async function removeFactor(
  s: AccountDeps,
  actor: Actor,
  id: string,
  kind: 'totp' | 'passkeys',
  factorId: string,
): Promise<{ result: Removal; account?: Account }> {
  let result: Removal = 'unknown';
  const account = await updateAccount(accountsOf(s.store), id, (a) => {
    const known = (a[kind] as { id: string }[]).some((f) => f.id === factorId);
    result = !known ? 'unknown' : a.totp.length + a.passkeys.length <= 1 ? 'last' : 'removed';
    if (result !== 'removed') return;
    if (kind === 'totp') a.totp = a.totp.filter((f) => f.id !== factorId);
    else a.passkeys = a.passkeys.filter((f) => f.id !== factorId);
  });
  if ((result as Removal) === 'removed') await recordEvent(s, actor, id, 'removeFactor', { factor: kind === 'totp' ? 'otp' : 'passkey', factorId });
  return { result, account };
}

/**
 * "I lost my phone": every second factor and recovery code goes and every
 * session ends; the next login enrols again (after the password).
 * `identityCheck` says how the caller's identity was checked (the console asks).
 */
export async function resetSecondFactors(s: EndSessionsDeps, actor: Actor, id: string, identityCheck?: string): Promise<Account | undefined> {
  const { account, ended } = await resetSessions(s, id, (a) => {
    a.totp = [];
    a.passkeys = [];
    a.recoveryCodes = [];
  });
  if (account) await recordEvent(s, actor, id, 'resetSecondFactors', { ...(identityCheck ? { identityCheck } : {}), ...ended });
  return account;
}

/** A fresh set of recovery codes (their hashes), voiding the old set. */
export async function replaceRecoveryCodes(s: AccountDeps, actor: Actor, id: string, hashes: string[]): Promise<Account | undefined> {
  const account = await updateAccount(accountsOf(s.store), id, (a) => {
    a.recoveryCodes = hashes;
  });
  if (account) await recordEvent(s, actor, id, 'replaceRecoveryCodes');
  return account;
}

/** One recovery code (its hash) used up; the caller has made sure it is used once (mfa/recovery). */
export async function spendRecoveryCode(s: AccountDeps, actor: Actor, id: string, hash: string): Promise<Account | undefined> {
  const account = await updateAccount(accountsOf(s.store), id, (a) => {
    a.recoveryCodes = a.recoveryCodes.filter((h) => h !== hash);
  });
  if (account) await recordEvent(s, actor, id, 'spendRecoveryCode', { remaining: account.recoveryCodes.length });
  return account;
}

/** The signature counter of a passkey after a successful use. */
export async function recordPasskeyUse(s: { store: Store }, id: string, passkeyId: string, counter: number): Promise<void> {
  await updateAccount(accountsOf(s.store), id, (a) => {
    const passkey = a.passkeys.find((p) => p.id === passkeyId);
    if (passkey) passkey.counter = counter;
  });
}
