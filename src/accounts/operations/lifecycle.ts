import { randomBytes } from 'node:crypto';
import { DuplicateEmailError } from '../../../adapters/types.ts';
import type { Services } from '../../services.ts';
import { nowSeconds } from '../../clock.ts';
import { newAccount, type Account, type PersonName } from '../account.ts';
import type { Locale } from '../../i18n/index.ts';
import { endDatePassed } from '../end-date.ts';
import { deletedPlaceholder } from '../email.ts';
import { lockCounters } from '../lock-counters.ts';
import { voidSetPasswordLinks } from '../reset-tokens.ts';
import type { EndSessionsDeps } from '../sessions-ended.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type AccountDeps, type Actor } from '../events.ts';
import { resetSessions } from './sessions.ts';
import { removeUpstreamLinks } from '../upstream-links.ts';

/** The longest name an account may have. */
export const NAME_MAX = 200;

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

interface NewAccount {
  email: string;
  name: string;
  locale: Locale;
  endDate?: string;
  /** The name's parts as a provisioning system gave them (SCIM). */
  personName?: PersonName;
  externalId?: string;
  /** Created disabled (SCIM active: false). */
  disabled?: boolean;
}

/**
 * A new account, without password or second factor, made the same way by the
 * console, the CLI and SCIM; undefined when its address is taken
 * (case-insensitively); EndDatePassed for an enabled account with an end date gone by.
 */
export async function createAccount(s: AccountDeps, actor: Actor, fields: NewAccount): Promise<Account | undefined> {
  const { email, name, locale, disabled = false, ...optional } = fields;
  if (!disabled) checkEnable(optional);
  const defined = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  const account: Account = { ...newAccount({ id: randomBytes(12).toString('base64url'), email, name, locale }), ...defined, disabled };
  try {
    await accountsOf(s.store).create(account);
  } catch (err) {
    if (err instanceof DuplicateEmailError) return undefined;
    throw err;
  }
  await recordEvent(s, actor, account.id, 'createAccount', {
    ...(account.endDate ? { endDate: account.endDate } : {}),
    ...(disabled ? { active: false } : {}),
  });
  return account;
}

/** Disables the account: every session and token ends, and its live links (one mailed before must not work after a later enable). Its caller records why. */
export async function writeDisabled(s: EndSessionsDeps, id: string) {
  await voidSetPasswordLinks(s.store, id);
  return resetSessions(s, id, (a) => {
    a.disabled = true;
  });
}

/** Disables the account (writeDisabled), or enables it again (following checkEnable, on the account as stored). */
export async function setDisabled(s: EndSessionsDeps, actor: Actor, id: string, disabled: boolean): Promise<Account | undefined> {
  if (!disabled) {
    const enabled = await updateAccount(accountsOf(s.store), id, (a) => {
      checkEnable(a);
      a.disabled = false;
    });
    if (enabled) await recordEvent(s, actor, id, 'enable');
    return enabled;
  }
  const { account, ended } = await writeDisabled(s, id);
  if (account) await recordEvent(s, actor, id, 'disable', ended);
  return account;
}

/** What a deleted account keeps: its id (never reused), when it was made and removed, and the shape every account has. */
const TOMBSTONE: (keyof Account)[] = ['id', 'version', 'createdAt', 'modifiedAt', 'sessionsValidAfter', 'grants'];

/**
 * Removes the account as a user sees it: disabled, sessions and tokens ended,
 * links voided, and everything that identifies its holder gone — address, name,
 * name parts, externalId, roles, sign-ins, credentials, and its history (the
 * log stream keeps the record). The document stays so that the id is never
 * reused; its address is a placeholder on the reserved .invalid domain, which
 * no account can be given. To everyone else it is gone (find.ts).
 */
export async function removeAccount(s: EndSessionsDeps, actor: Actor, id: string): Promise<Account | undefined> {
  await voidSetPasswordLinks(s.store, id);
  // Its institution accounts too (#26), so that none stays tied to an account nobody can use.
  await removeUpstreamLinks(s.store, id);
  const { account, ended } = await resetSessions(s, id, (a) => {
    for (const field of Object.keys(a)) if (!(TOMBSTONE as string[]).includes(field)) delete a[field];
    Object.assign(a, {
      email: deletedPlaceholder(),
      name: '',
      locale: 'nl',
      disabled: true,
      totp: [],
      passkeys: [],
      recoveryCodes: [],
      recentSignIns: [],
      deletedAt: nowSeconds(),
    });
  });
  if (!account) return undefined;
  await recordEvent(s, actor, id, 'removeAccount', ended);
  await s.audit.forget(id);
  return account;
}

/** "I am locked out": the account's attempt counters start again (an attacker's own address stays blocked by its own counter). */
export async function liftLockout(s: Pick<Services, 'limits' | 'audit'>, actor: Actor, account: Account): Promise<void> {
  await s.limits.liftAccountLocks(lockCounters(account));
  await recordEvent(s, actor, account.id, 'liftLockout');
}
