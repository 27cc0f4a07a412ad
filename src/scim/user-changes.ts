import { DuplicateEmailError } from '../../adapters/types.ts';
import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import { isStaff } from '../accounts/roles.ts';
import type { Actor } from '../accounts/events.ts';
import { checkEnable, createAccount, EndDatePassed, removeAccount, setDisabled } from '../accounts/operations/lifecycle.ts';
import { PROFILE, updateProfile } from '../accounts/operations/profile.ts';
import { sendInvitation } from '../accounts/invitation.ts';
import { ScimError, invalidValue } from './errors.ts';
import { CBS_EXTENSION } from './schema.ts';
import { nameAsGiven } from './user-resource.ts';
import type { UserFields } from './user-fields.ts';

const taken = (email: string) => new ScimError(409, 'uniqueness', `an account with userName ${email} already exists`);

/** The provisioning client a change comes from, as the account's history names it. */
const client = (clientId: string): Actor => ({ via: 'scim', by: clientId });

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

type UserChangeDeps = Pick<Services, 'store' | 'logout' | 'config' | 'mailer' | 'audit' | 'background'>;

/** Sends the invitation after the answer: the account already says it is pending; a mail server's delay is not the client's. */
async function invite(s: UserChangeDeps, account: Account, clientId: string): Promise<void> {
  const sent = await sendInvitation(s, client(clientId), account.id);
  if (typeof sent !== 'string') s.background('invitation mail', () => sent.delivery);
}

/** Refused before anything changes: an invitation only makes sense for a usable account without a password. */
function checkInvitation(fields: UserFields, current?: Account): void {
  if (!fields.sendInvitation) return;
  if (current?.passwordHash) throw invalidValue('sendInvitation: the user has already set a password');
  if (fields.active === false || (current?.disabled && fields.active !== true)) throw invalidValue('sendInvitation: the account is not active');
}

/** A new account, made as the console and the CLI make one, with what the User says. */
export async function createUser(s: UserChangeDeps, fields: UserFields, clientId: string): Promise<Account> {
  checkInvitation(fields);
  if (fields.active !== false) checkActive(fields);
  const { email, name, locale, personName, externalId, endDate } = fields;
  const account = await createAccount(s, client(clientId), { email, name, locale, personName, externalId, endDate, disabled: fields.active === false });
  if (!account) throw taken(fields.email);
  if (fields.sendInvitation) await invite(s, account, clientId);
  return account;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Brings the account to what the User says. Profile changes are one write on
 * the version that was read (a concurrent change: StaleAccountError, retried
 * or 412 by the caller); deactivation goes through setDisabled, so that
 * sessions and tokens end as with `accounts disable`.
 */
export async function updateUser(s: UserChangeDeps, current: Account, fields: UserFields, clientId: string): Promise<void> {
  checkInvitation(fields, current);
  // An account made with a name alone reads as that name formatted: no change when a client sends it back so.
  const profile = PROFILE.filter((key) => !same(fields[key], key === 'personName' ? nameAsGiven(current) : current[key]));
  const activeChanges = fields.active !== undefined && fields.active === current.disabled;
  if (profile.length || activeChanges || fields.sendInvitation) refuseIfStaff(s, current, clientId);
  if (activeChanges && fields.active) checkActive(fields);
  if (profile.length) {
    try {
      await updateProfile(s, client(clientId), current, Object.fromEntries(profile.map((key) => [key, fields[key]])));
    } catch (err) {
      if (err instanceof DuplicateEmailError) throw taken(fields.email);
      throw err;
    }
  }
  if (activeChanges) await setDisabled(s, client(clientId), current.id, !fields.active);
  if (fields.sendInvitation) await invite(s, current, clientId);
}

type UserDeleteDeps = Pick<Services, 'store' | 'logout' | 'audit'>;

export async function deleteUser(s: UserDeleteDeps, account: Account, clientId: string): Promise<void> {
  refuseIfStaff(s, account, clientId);
  await removeAccount(s, client(clientId), account.id);
}
