import { StaleAccountError, type AccountStore, type HistoryEntry } from '../../adapters/types.ts';
import { userInfo } from 'node:os';
import type { Services } from '../services.ts';
import { invitationState, type Account } from '../accounts/account.ts';
import { ROLES, type Role } from '../accounts/roles.ts';
import type { Actor } from '../accounts/events.ts';
import { createAccount, EndDatePassed, NAME_MAX, setDisabled } from '../accounts/operations/lifecycle.ts';
import { resetSecondFactors } from '../accounts/operations/factors.ts';
import { grantRole, revokeRole } from '../accounts/operations/roles.ts';
import { updateProfile } from '../accounts/operations/profile.ts';
import { sendInvitation } from '../accounts/invitation.ts';
import { isEmailAddress, normalizeEmail } from '../accounts/email.ts';
import { isLocale } from '../i18n/index.ts';
import { isEndDate } from '../accounts/end-date.ts';

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

type Options = { email?: string; name?: string; locale?: string; invite?: boolean; expires?: string; role?: string; 'identity-check'?: string; json?: boolean };

/** Who runs a command, for the audit trail: the operating-system user at the server. */
const operator = (): Actor => ({ via: 'cli', by: userInfo().username });

/** As long as the console's field: how the caller's identity was checked, in the operator's words. */
const IDENTITY_CHECK_MAX = 500;

function identityCheck(value: string | undefined): string | undefined {
  const check = value?.trim();
  if (value !== undefined && (!check || check.length > IDENTITY_CHECK_MAX))
    throw new CliError(`--identity-check must say how the caller's identity was checked (at most ${IDENTITY_CHECK_MAX} characters)`);
  return check;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const invitationLine = (a: Account) =>
  a.invitation
    ? `invitation: ${invitationState(a.invitation)}, sent ${iso(a.invitation.sentAt)}, link valid until ${iso(a.invitation.expiresAt)}`
    : 'invitation: none';

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
    throw new CliError(
      creating
        ? `--expires ${err.endDate} has passed: an account cannot be created already ended`
        : `the end date ${err.endDate} of ${email} has passed: give it a later one first (accounts set-expiry --email ${email} --expires YYYY-MM-DD|none)`,
    );
  };
}

/** Mails the invitation and waits until the mail server took it: the operator learns at once when it did not. */
async function invite(s: CliDeps, a: Account): Promise<string> {
  const sent = await sendInvitation(s, operator(), a.id);
  if (sent === 'accepted') throw new CliError(`${a.email} has already set a password; no invitation was sent`);
  if (typeof sent === 'string') throw new CliError(`${a.email} is disabled; no invitation was sent`);
  await sent.delivery;
  return `invitation sent to ${a.email}; its link works until ${iso(sent.account.invitation!.expiresAt)} (earlier links no longer work)`;
}

/** An entry of the account's history as a line: when, what, who (how they came, and who they are), and what else it says. */
function historyLine({ at, event, via, by, byEmail, ...said }: HistoryEntry): string {
  const who = [via, byEmail ?? by].filter(Boolean).join(' ');
  const details = Object.entries(said).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [iso(at), event, who, ...details].join('\t');
}

/** --json: the entries as stored, with their moment written out. */
const historyJson = (entries: HistoryEntry[]) =>
  JSON.stringify(
    entries.map((e) => ({ ...e, at: iso(e.at) })),
    null,
    2,
  );

const LIST_PAGE = 500;

/**
 * The service's own parts, as the server has them: the store, the audit trail,
 * sign-out (disable and reset-mfa tell the account's applications) and the mail
 * configuration (invitations).
 */
type CliDeps = Pick<Services, 'store' | 'audit' | 'logout' | 'config' | 'mailer'>;

/**
 * Every change goes through the account operations with the operator as
 * actor, so that it makes the same audit event, in the log and the account's
 * history, as the console's or SCIM's. `print` writes the lines of a listing as they come.
 */
export async function accountCommands(s: CliDeps, command: string, o: Options, print: (line: string) => void = () => {}): Promise<string> {
  const accounts = s.store.accounts as AccountStore<Account>;
  switch (command) {
    case 'create': {
      const email = requireEmail(o.email);
      const name = o.name?.trim();
      if (!name || name.length > NAME_MAX) throw new CliError(`--name is required (at most ${NAME_MAX} characters)`);
      const locale = o.locale ?? 'nl';
      if (!isLocale(locale)) throw new CliError('--locale must be nl or en');
      const endDate = endDateOption(o.expires, false);
      const account = await createAccount(s, operator(), { email, name, locale, endDate }).catch(endDateAdvice(email, true));
      if (!account) throw new CliError(`an account with e-mail ${email} already exists`);
      if (o.invite)
        return `created ${describe(account)}
${await invite(s, account)}`;
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
    case 'history': {
      const entries = await s.audit.history((await find(accounts, o.email)).id);
      if (o.json) return historyJson(entries);
      for (const entry of entries) print(historyLine(entry));
      return entries.length ? `(${entries.length} events, newest first)` : '(no history)';
    }
    case 'invite':
      return invite(s, await find(accounts, o.email));
    case 'set-expiry': {
      const a = await find(accounts, o.email);
      if (o.expires === undefined) throw new CliError('--expires YYYY-MM-DD (or none) is required');
      const endDate = endDateOption(o.expires, true);
      await updateProfile(s, operator(), a, { endDate }).catch((err: unknown) => {
        if (err instanceof StaleAccountError) throw new CliError(`${a.email} was changed at the same moment; run the command again`);
        throw err;
      });
      return endDate ? `${a.email} can be used up to and including ${endDate}` : `${a.email} has no end date`;
    }
    case 'disable':
    case 'enable': {
      const a = await find(accounts, o.email);
      await setDisabled(s, operator(), a.id, command === 'disable').catch(endDateAdvice(a.email, false));
      return `${command}d ${a.email}`;
    }
    case 'reset-mfa': {
      const check = identityCheck(o['identity-check']);
      const a = await find(accounts, o.email);
      await resetSecondFactors(s, operator(), a.id, check);
      return `removed every second factor of ${a.email} and ended its sessions; enrolment is required at the next login`;
    }
    case 'grant-role':
    case 'revoke-role': {
      const role = requireRole(o.role);
      const a = await find(accounts, o.email);
      const grant = command === 'grant-role';
      const changed = await (grant ? grantRole : revokeRole)(s, operator(), a.id, role);
      if (!changed) return `${a.email} ${grant ? 'already has' : 'does not have'} the role ${role}`;
      return `${grant ? 'granted' : 'revoked'} ${role} ${grant ? 'to' : 'from'} ${a.email}`;
    }
    default:
      throw new CliError(`unknown command: accounts ${command}`);
  }
}
