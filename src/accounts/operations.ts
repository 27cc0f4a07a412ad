import { randomBytes } from 'node:crypto';
import { DuplicateEmailError, type Store } from '../../adapters/types.ts';
import type { Locale } from '../i18n/index.ts';
import { nowSeconds } from '../clock.ts';
import { hasSecondFactor, newAccount, type Account, type AccountEvent, type PasskeyFactor, type Role } from './account.ts';
import { hashPassword } from './password-hash.ts';
import { revokeGrants } from './revoke-grants.ts';
import type { EndSessionsDeps } from './sessions-ended.ts';
import { RESET_PURPOSE } from './reset-tokens.ts';
import { accountsOf, updateAccount } from './update.ts';
import { endDatePassed } from './end-date.ts';
import { deletedPlaceholder, normalizeEmail } from './email.ts';
import { removeUpstreamLinks } from './upstream-links.ts';

/**
 * The named changes of an account, used alike by sign-in, My account, the CLI,
 * the test seed and the benchmark. Each is one read-change-write of the
 * account document (optimistic, retried on a concurrent write).
 */

/** The account's later changes compare against this: strictly later than any earlier reset, one second ahead of now. */
const nextReset = (a: Account) => Math.max(nowSeconds() + 1, a.sessionsValidAfter + 1);

export class FactorAlreadyEnrolled extends Error {
  constructor() { super('the account gained a second factor during this sign-in'); }
}

/** The longest name an account may have. */
export const NAME_MAX = 200;

/** A new account, without password or second factor; undefined when its address is taken (case-insensitively); EndDatePassed for an end date gone by. */
export async function createAccount(store: Store, fields: { email: string; name: string; locale: Locale; endDate?: string }): Promise<Account | undefined> {
  const { endDate, ...identity } = fields;
  checkEnable({ endDate });
  const account: Account = { ...newAccount({ id: randomBytes(12).toString('base64url'), ...identity }), ...(endDate ? { endDate } : {}) };
  try {
    await accountsOf(store).create(account);
  } catch (err) {
    if (err instanceof DuplicateEmailError) return undefined;
    throw err;
  }
  return account;
}

/**
 * Ends every session and token of the account: the provider's policy refuses any
 * session whose sign-in predates the reset, and the grants (with their access
 * and refresh tokens) are revoked, and the applications those grants were for
 * are told (back-channel logout). `keep` names grants of the caller's own session.
 */
export async function endSessions(s: EndSessionsDeps, id: string, change: (a: Account) => void = () => {}, keep: string[] = []): Promise<Account | undefined> {
  const before = await accountsOf(s.store).findById(id);
  if (!before) return undefined;
  const revoked = (before.grants ?? []).filter((g) => !keep.includes(g.id));
  await revokeGrants(s.store, revoked);
  const after = await updateAccount(accountsOf(s.store), id, (a) => {
    change(a);
    a.sessionsValidAfter = nextReset(a);
    a.grants = (a.grants ?? []).filter((g) => !revoked.some((r) => r.id === g.id));
  });
  s.logout.sessionsEnded(id, revoked);
  return after;
}

/** Enabling an account whose end date has passed: refused, since it would still be refused at every sign-in. */
export class EndDatePassed extends Error {
  readonly endDate: string;
  constructor(endDate: string) {
    super(`the account's end date ${endDate} has passed`);
    this.endDate = endDate;
  }
}

/**
 * The one rule for enabling, whoever asks (console, CLI, SCIM): an account past
 * its end date comes back only with its end date changed to one still to come, or cleared.
 */
export function checkEnable(account: Pick<Account, 'endDate'>): void {
  if (endDatePassed(account)) throw new EndDatePassed(account.endDate!);
}

/** Disables (ending every session and token) or enables the account; enabling follows checkEnable, on the account as stored. */
export async function setDisabled(s: EndSessionsDeps, id: string, disabled: boolean): Promise<Account | undefined> {
  if (!disabled) return updateAccount(accountsOf(s.store), id, (a) => { checkEnable(a); a.disabled = false; });
  // A link mailed before the disable must not work after a later enable.
  await s.store.tokens.drop(RESET_PURPOSE, id);
  return endSessions(s, id, (a) => { a.disabled = true; });
}

/** Removes every second factor; the next login must enrol again (after the password). */
export function resetSecondFactors(s: EndSessionsDeps, id: string): Promise<Account | undefined> {
  return endSessions(s, id, (a) => {
    a.totp = [];
    a.passkeys = [];
    a.recoveryCodes = [];
  });
}

interface NewPassword {
  /** Grants of the caller's own session, which stay (My account). */
  keepGrants?: string[];
  /** The address (normalised) the set-password link was mailed to: setting the password through it proves the address. */
  linkMailedTo?: string;
}

/** A new password ends every other session and voids every live set-password link. */
export async function setPassword(s: EndSessionsDeps, id: string, password: string, options: NewPassword = {}): Promise<Account | undefined> {
  return setPasswordHash(s, id, await hashPassword(password), options);
}

/** setPassword with the argon2 hash made by the caller (the benchmark seeds many accounts with one). */
export async function setPasswordHash(s: EndSessionsDeps, id: string, passwordHash: string, options: NewPassword = {}): Promise<Account | undefined> {
  await s.store.tokens.drop(RESET_PURPOSE, id);
  return endSessions(s, id, (a) => {
    a.passwordHash = passwordHash;
    // The invitation's purpose is met by any first password, whichever link set it.
    if (a.invitation && a.invitation.acceptedAt === undefined) a.invitation.acceptedAt = nowSeconds();
    if (options.linkMailedTo !== undefined && normalizeEmail(a.email) === options.linkMailedTo) a.verifiedEmail = a.email;
  }, options.keepGrants);
}

/** What a deleted account keeps: its id (never reused), when it was made and removed, and the shape every account has. */
const TOMBSTONE: (keyof Account)[] = ['id', 'version', 'createdAt', 'modifiedAt', 'sessionsValidAfter', 'grants'];

/**
 * Removes the account as a user sees it: disabled, sessions and tokens ended,
 * links voided, institution accounts unlinked, and everything that identifies its holder gone — address, name,
 * name parts, externalId, roles, staff notes, sign-ins, credentials. The
 * document stays so that the id is never reused; its address is a placeholder
 * on the reserved .invalid domain, which no account can be given.
 */
export async function removeAccount(s: EndSessionsDeps, id: string): Promise<Account | undefined> {
  await s.store.tokens.drop(RESET_PURPOSE, id);
  // #26: its institution accounts too, so that none stays tied to an account nobody can use.
  await removeUpstreamLinks(s.store, id);
  return endSessions(s, id, (a) => {
    for (const field of Object.keys(a)) if (!(TOMBSTONE as string[]).includes(field)) delete a[field];
    Object.assign(a, { email: deletedPlaceholder(), name: '', locale: 'nl', disabled: true, totp: [], passkeys: [], recoveryCodes: [], recentSignIns: [], deletedAt: nowSeconds() });
  });
}

export type NewFactor = { totp: { secret: string; sameAs?: (sealed: string) => boolean } } | { passkey: PasskeyFactor };

/**
 * Adds an authenticator app or passkey, once (the same form posted twice adds
 * it once). At the sign-in's enrolment (`first`) it refuses, atomically with
 * the write, when the account gained a factor since — a half-finished sign-in
 * may not add a second way in — and stores the first recovery codes with it.
 */
export function addFactor(store: Store, id: string, factor: NewFactor, first: boolean, recoveryHashes?: string[]): Promise<Account | undefined> {
  return updateAccount(accountsOf(store), id, (a) => {
    if (first && hasSecondFactor(a)) throw new FactorAlreadyEnrolled();
    if (recoveryHashes) a.recoveryCodes = recoveryHashes;
    if ('passkey' in factor) {
      // Stamped on the clock of sign-ins (signInTime): a passkey added after a sign-in's password step is never older than it.
      if (!a.passkeys.some((p) => p.id === factor.passkey.id)) a.passkeys.push({ ...factor.passkey, createdAt: Math.max(factor.passkey.createdAt, a.sessionsValidAfter) });
    } else if (!a.totp.some((t) => factor.totp.sameAs?.(t.secret))) {
      a.totp.push({ id: crypto.randomUUID(), secret: factor.totp.secret, createdAt: nowSeconds() });
    }
  });
}

type Removal = 'removed' | 'last' | 'unknown';

/**
 * Removes one authenticator app or passkey, but never the account's last second
 * factor (the next sign-in would otherwise start enrolment with only a password).
 * Decided on the fresh read inside the update, so two parallel removals cannot
 * together take away both of the last two.
 */
export async function removeFactor(store: Store, id: string, kind: 'totp' | 'passkeys', factorId: string): Promise<{ result: Removal; account?: Account }> {
  let result: Removal = 'unknown';
  const account = await updateAccount(accountsOf(store), id, (a) => {
    const known = (a[kind] as { id: string }[]).some((f) => f.id === factorId);
    result = !known ? 'unknown' : a.totp.length + a.passkeys.length <= 1 ? 'last' : 'removed';
    if (result !== 'removed') return;
    if (kind === 'totp') a.totp = a.totp.filter((f) => f.id !== factorId);
    else a.passkeys = a.passkeys.filter((f) => f.id !== factorId);
  });
  return { result, account };
}

/** The signature counter of a passkey after a successful use. */
export function recordPasskeyUse(store: Store, id: string, passkeyId: string, counter: number): Promise<Account | undefined> {
  return updateAccount(accountsOf(store), id, (a) => {
    const passkey = a.passkeys.find((p) => p.id === passkeyId);
    if (passkey) passkey.counter = counter;
  });
}

/** Gives the account a staff role (once); false when it had it already. */
export async function grantRole(store: Store, id: string, role: Role): Promise<boolean> {
  let granted = false;
  await updateAccount(accountsOf(store), id, (a) => {
    granted = !(a.roles ?? []).includes(role);
    if (granted) a.roles = [...(a.roles ?? []), role];
  });
  return granted;
}

/** Takes a staff role away; false when the account did not have it. */
export async function revokeRole(store: Store, id: string, role: Role): Promise<boolean> {
  let revoked = false;
  await updateAccount(accountsOf(store), id, (a) => {
    revoked = (a.roles ?? []).includes(role);
    a.roles = (a.roles ?? []).filter((r) => r !== role);
    if (!a.roles.length) delete a.roles;
  });
  return revoked;
}

/** How many staff or CLI changes an account keeps for the console's "recent events"; older ones stay in the audit log only. */
const RECENT_EVENTS = 20;

/** Notes a change by staff or the CLI on the account itself (there is no queryable audit store). */
export function recordAccountEvent(store: Store, id: string, event: Omit<AccountEvent, 'at'>): Promise<Account | undefined> {
  return updateAccount(accountsOf(store), id, (a) => {
    a.recentEvents = [...(a.recentEvents ?? []), { at: nowSeconds(), ...event }].slice(-RECENT_EVENTS);
  });
}
