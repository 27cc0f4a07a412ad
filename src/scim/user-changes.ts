import { randomBytes } from 'node:crypto';
import { DuplicateEmailError } from '../../adapters/types.ts';
import type { Services } from '../services.ts';
import { isStaff, newAccount, type Account } from '../accounts/account.ts';
import { checkEnable, EndDatePassed, removeAccount, setDisabled } from '../accounts/operations.ts';
import { RESET_PURPOSE } from '../accounts/reset-tokens.ts';
import { sendInvitation } from '../flows/invitation/invitation.ts';
import { ScimError, invalidValue } from './errors.ts';
import { CBS_EXTENSION } from './schema.ts';
import { nowSeconds } from '../clock.ts';
import { nameAsGiven } from './user-resource.ts';
import type { UserFields } from './user-fields.ts';

const taken = (email: string) => new ScimError(409, 'uniqueness', `an account with userName ${email} already exists`);

/**
 * Staff accounts (helpdesk, admin) are CBS's own, changed with the CLI or in the
 * console by an admin, never by the provisioning system: as the console keeps a
 * helpdesk member away from them (flows/admin/guards.ts), SCIM may read them only.
 */
function refuseIfStaff(s: Pick<Services, 'audit'>, account: Account, clientId: string): void {
  if (!isStaff(account)) return;
  s.audit('account.change_refused', { accountId: account.id, clientId, via: 'scim', reason: 'staff' });
  throw new ScimError(403, undefined, 'this account holds a staff role (helpdesk or admin); it is changed with the CLI or the helpdesk console, not over SCIM');
}

/** Refused before anything changes: an active account needs an end date still to come (or none), as every enable does. */
function checkActive(fields: UserFields): void {
  try {
    checkEnable(fields);
  } catch (err) {
    if (!(err instanceof EndDatePassed)) throw err;
    throw invalidValue(`active: the end date ${err.endDate} has passed; change or remove ${CBS_EXTENSION}:endDate to make the account active`);
  }
}

type UserChangeDeps = Pick<Services, 'accounts' | 'store' | 'logout' | 'config' | 'mailer' | 'audit' | 'background'>;

/** Sends the invitation after the answer: the account already says it is pending; a mail server's delay is not the client's. */
async function invite(s: UserChangeDeps, account: Account, clientId: string): Promise<void> {
  const sent = await sendInvitation(s, account.id, { clientId });
  if (typeof sent !== 'string') s.background('invitation mail', () => sent.delivery);
}

/** Refused before anything changes: an invitation only makes sense for a usable account without a password. */
function checkInvitation(fields: UserFields, current?: Account): void {
  if (!fields.sendInvitation) return;
  if (current?.passwordHash) throw invalidValue('sendInvitation: the user has already set a password');
  if (fields.active === false || (current?.disabled && fields.active !== true)) throw invalidValue('sendInvitation: the account is not active');
}

export async function createUser(s: UserChangeDeps, fields: UserFields, clientId: string): Promise<Account> {
  checkInvitation(fields);
  if (fields.active !== false) checkActive(fields);
  const account: Account = {
    ...newAccount({ id: randomBytes(12).toString('base64url'), email: fields.email, name: fields.name, locale: fields.locale }),
    ...(fields.personName ? { personName: fields.personName } : {}),
    ...(fields.externalId ? { externalId: fields.externalId } : {}),
    ...(fields.endDate ? { endDate: fields.endDate } : {}),
    disabled: fields.active === false,
  };
  try {
    await s.accounts.create(account);
  } catch (err) {
    throw err instanceof DuplicateEmailError ? taken(fields.email) : err;
  }
  s.audit('scim.user_created', { accountId: account.id, clientId, active: !account.disabled, endDate: account.endDate, invite: fields.sendInvitation });
  if (fields.sendInvitation) await invite(s, account, clientId);
  return account;
}

/** The profile attributes a User carries, written in one save on the version the client's request was checked against. */
const PROFILE = ['email', 'name', 'personName', 'locale', 'externalId', 'endDate'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Brings the account to what the User says. Profile changes are one write on
 * the version that was read (a concurrent change: StaleAccountError, retried
 * or 412 by the caller); deactivation goes through setDisabled, so that
 * sessions and tokens end as with `accounts disable`.
 */
export async function updateUser(s: UserChangeDeps, current: Account, fields: UserFields, clientId: string): Promise<string[]> {
  checkInvitation(fields, current);
  // An account made with a name alone reads as that name formatted: no change when a client sends it back so.
  const profile = PROFILE.filter((key) => !same(fields[key], key === 'personName' ? nameAsGiven(current) : current[key]));
  const activeChanges = fields.active !== undefined && fields.active === current.disabled;
  if (profile.length || activeChanges || fields.sendInvitation) refuseIfStaff(s, current, clientId);
  if (activeChanges && fields.active) checkActive(fields);
  const changed: string[] = [...profile];
  if (profile.length) {
    const next: Account = { ...current, modifiedAt: nowSeconds() };
    for (const key of profile) {
      if (fields[key] === undefined) delete next[key];
      else Object.assign(next, { [key]: fields[key] });
    }
    try {
      await s.accounts.save(next);
    } catch (err) {
      if (err instanceof DuplicateEmailError) throw taken(fields.email);
      throw err;
    }
    // Links mailed to the old address must not outlive the change.
    if (changed.includes('email')) await s.store.tokens.drop(RESET_PURPOSE, current.id);
  }
  if (activeChanges) {
    await setDisabled(s, current.id, !fields.active);
    changed.push('active');
  }
  if (fields.sendInvitation) await invite(s, current, clientId);
  s.audit('scim.user_updated', { accountId: current.id, clientId, changed, invite: fields.sendInvitation });
  return changed;
}

type UserDeleteDeps = Pick<Services, 'store' | 'logout' | 'audit'>;

export async function deleteUser(s: UserDeleteDeps, account: Account, clientId: string): Promise<void> {
  refuseIfStaff(s, account, clientId);
  await removeAccount(s, account.id);
  s.audit('scim.user_deleted', { accountId: account.id, clientId });
}
