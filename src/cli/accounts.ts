import type { AccountStore, Store } from '../../adapters/types.ts';
import { userInfo } from 'node:os';
import { ROLES, type Account, type Role } from '../accounts/account.ts';
import { createAccount, EndDatePassed, grantRole, NAME_MAX, recordAccountEvent, resetSecondFactors, revokeRole, setDisabled } from '../accounts/operations.ts';
import type { Audit } from '../audit.ts';
import { isEmailAddress, normalizeEmail } from '../accounts/email.ts';
import { isLocale } from '../i18n/index.ts';
import { invitationState } from '../accounts/account.ts';
import { isEndDate } from '../accounts/end-date.ts';
import { updateAccount } from '../accounts/update.ts';
import { sendInvitation, type InvitationDeps } from '../flows/invitation/invitation.ts';
import type { EndSessionsDeps } from '../accounts/sessions-ended.ts';

export class CliError extends Error {}

const describe = (a: Account) =>
  `${a.email}\t${a.name}\t${a.locale}\t${a.disabled ? 'disabled' : 'active'}\tpassword:${a.passwordHash ? 'set' : 'none'}\tfactors:${a.totp.length + a.passkeys.length}${a.roles?.length ? `\troles:${a.roles.join(',')}` : ''}`;

function requireEmail(email: string | undefined): string {
  if (!email || !isEmailAddress(email)) throw new CliError(`--email must be an e-mail address${email ? `, not "${email}"` : ''}`);
  return normalizeEmail(email);
}

async function find(accounts: AccountStore<Account>, email: string | undefined): Promise<Account> {
  const address = requireEmail(email);
  const account = await accounts.findByEmail(address);
  if (!account) throw new CliError(`no account with e-mail ${address}`);
  return account;
}

function requireRole(role: string | undefined): Role {
  if (!(ROLES as readonly string[]).includes(role ?? '')) throw new CliError(`--role must be ${ROLES.join(' or ')}`);
  return role as Role;
}

type Options = { email?: string; name?: string; locale?: string; invite?: boolean; expires?: string; role?: string };

/** Who ran a command, for the audit trail: the operating-system user at the server. */
const operator = () => `cli:${userInfo().username}`;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const invitationLine = (a: Account) =>
  a.invitation ? `invitation: ${invitationState(a.invitation)}, sent ${iso(a.invitation.sentAt)}, link valid until ${iso(a.invitation.expiresAt)}` : 'invitation: none';

/** --expires YYYY-MM-DD, or "none" (set-expiry only) to clear it. */
function endDateOption(value: string | undefined, clearable: boolean): string | undefined {
  if (value === undefined || (clearable && value === 'none')) return undefined;
  if (!isEndDate(value)) throw new CliError(`--expires must be a date written YYYY-MM-DD${clearable ? ' (or none)' : ''}, not "${value}"`);
  return value;
}

/** An end date gone by, in the operator's words: what to run instead. */
function endDateAdvice(email: string, creating: boolean) {
  return (err: unknown): never => {
    if (!(err instanceof EndDatePassed)) throw err;
    throw new CliError(creating
      ? `--expires ${err.endDate} has passed: an account cannot be created already ended`
      : `the end date ${err.endDate} of ${email} has passed: give it a later one first (accounts set-expiry --email ${email} --expires YYYY-MM-DD|none)`);
  };
}

/** Mails the invitation and waits until the mail server took it: the operator learns at once when it did not. */
async function invite(deps: InvitationDeps | undefined, a: Account): Promise<string> {
  if (!deps) throw new CliError('sending an invitation needs the mail configuration');
  const sent = await sendInvitation(deps, a.id, { by: 'cli' });
  if (sent === 'accepted') throw new CliError(`${a.email} has already set a password; no invitation was sent`);
  if (typeof sent === 'string') throw new CliError(`${a.email} is disabled; no invitation was sent`);
  await sent.delivery;
  return `invitation sent to ${a.email}; its link works until ${iso(sent.account.invitation!.expiresAt)} (earlier links no longer work)`;
}

/** Disable and reset-mfa end the account's sessions (enable is disable's operation): the service's sign-out tells its applications. */
function withSignOut(deps: EndSessionsDeps | undefined, command: string): EndSessionsDeps {
  if (!deps) throw new Error(`accounts ${command} needs the service's sign-out, to tell the account's applications`);
  return deps;
}

const LIST_PAGE = 500;

/**
 * What commands need beyond the store: the mail configuration (invitations), sign-out
 * and the audit trail; `print` writes the lines of a listing as they come.
 */
export async function accountCommands(store: Store, command: string, o: Options, deps?: InvitationDeps & EndSessionsDeps, print: (line: string) => void = () => {}): Promise<string> {
  const audit: Audit = deps?.audit ?? (() => {});
  const accounts = store.accounts as AccountStore<Account>;
  switch (command) {
    case 'create': {
      const email = requireEmail(o.email);
      const name = o.name?.trim();
      if (!name || name.length > NAME_MAX) throw new CliError(`--name is required (at most ${NAME_MAX} characters)`);
      const locale = o.locale ?? 'nl';
      if (!isLocale(locale)) throw new CliError('--locale must be nl or en');
      const endDate = endDateOption(o.expires, false);
      const account = await createAccount(store, { email, name, locale, ...(endDate ? { endDate } : {}) }).catch(endDateAdvice(email, true));
      if (!account) throw new CliError(`an account with e-mail ${email} already exists`);
      if (o.invite) return `created ${describe(account)}
${await invite(deps, account)}`;
      return `created ${describe(account)}\nThe user sets a password through "Wachtwoord opvragen / Request password" on the login page.`;
    }
    case 'list': {
      // A page at a time, each printed before the next is read: the listing never holds every account.
      let count = 0;
      for (let page = await accounts.listed({ offset: 0 }, LIST_PAGE); ; page = await accounts.listed({ after: page.next }, LIST_PAGE)) {
        for (const a of page.accounts) print(describe(a));
        count += page.accounts.length;
        if (!page.next) break;
      }
      return count ? `(${count} accounts)` : '(no accounts)';
    }
    case 'show': {
      const a = await find(accounts, o.email);
      return `${describe(a)}\nid: ${a.id}\ncreated: ${iso(a.createdAt)}\n${invitationLine(a)}\nend date: ${a.endDate ?? 'none'}`;
    }
    case 'invite':
      return invite(deps, await find(accounts, o.email));
    case 'set-expiry': {
      const a = await find(accounts, o.email);
      if (o.expires === undefined) throw new CliError('--expires YYYY-MM-DD (or none) is required');
      const endDate = endDateOption(o.expires, true);
      await updateAccount(accounts, a.id, (x) => { if (endDate) x.endDate = endDate; else delete x.endDate; });
      return endDate ? `${a.email} can be used up to and including ${endDate}` : `${a.email} has no end date`;
    }
    case 'disable':
    case 'enable': {
      const a = await find(accounts, o.email);
      await setDisabled(withSignOut(deps, command), a.id, command === 'disable').catch(endDateAdvice(a.email, false));
      return `${command}d ${a.email}`;
    }
    case 'reset-mfa': {
      const a = await find(accounts, o.email);
      await resetSecondFactors(withSignOut(deps, command), a.id);
      return `removed every second factor of ${a.email} and ended its sessions; enrolment is required at the next login`;
    }
    case 'grant-role':
    case 'revoke-role': {
      const role = requireRole(o.role);
      const a = await find(accounts, o.email);
      const grant = command === 'grant-role';
      const changed = await (grant ? grantRole : revokeRole)(store, a.id, role);
      if (!changed) return `${a.email} ${grant ? 'already has' : 'does not have'} the role ${role}`;
      const event = grant ? 'account.role_granted' : 'account.role_revoked';
      audit(event, { accountId: a.id, role, by: operator() });
      await recordAccountEvent(store, a.id, { event, by: operator(), note: role });
      return `${grant ? 'granted' : 'revoked'} ${role} ${grant ? 'to' : 'from'} ${a.email}`;
    }
    default:
      throw new CliError(`unknown command: accounts ${command}`);
  }
}

