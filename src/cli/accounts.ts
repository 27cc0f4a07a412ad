import type { AccountStore, Store } from '../../adapters/types.ts';
import { userInfo } from 'node:os';
import { ROLES, type Account, type Role } from '../accounts/account.ts';
import { createAccount, grantRole, NAME_MAX, recordAccountEvent, resetSecondFactors, revokeRole, setDisabled } from '../accounts/operations.ts';
import type { Audit } from '../audit.ts';
import { EMAIL, normalizeEmail } from '../accounts/email.ts';
import { isLocale } from '../i18n/index.ts';

export class CliError extends Error {}

const describe = (a: Account) =>
  `${a.email}\t${a.name}\t${a.locale}\t${a.disabled ? 'disabled' : 'active'}\tpassword:${a.passwordHash ? 'set' : 'none'}\tfactors:${a.totp.length + a.passkeys.length}${a.roles?.length ? `\troles:${a.roles.join(',')}` : ''}`;

function requireEmail(email: string | undefined): string {
  if (!email || !EMAIL.test(email.trim())) throw new CliError(`--email must be an e-mail address${email ? `, not "${email}"` : ''}`);
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

type Options = { email?: string; name?: string; locale?: string; role?: string };

/** Who ran a command, for the audit trail: the operating-system user at the server. */
const operator = () => `cli:${userInfo().username}`;

export async function accountCommands(store: Store, command: string, o: Options, audit: Audit = () => {}): Promise<string> {
  const accounts = store.accounts as AccountStore<Account>;
  switch (command) {
    case 'create': {
      const email = requireEmail(o.email);
      const name = o.name?.trim();
      if (!name || name.length > NAME_MAX) throw new CliError(`--name is required (at most ${NAME_MAX} characters)`);
      const locale = o.locale ?? 'nl';
      if (!isLocale(locale)) throw new CliError('--locale must be nl or en');
      const account = await createAccount(store, { email, name, locale });
      if (!account) throw new CliError(`an account with e-mail ${email} already exists`);
      return `created ${describe(account)}\nThe user sets a password through "Wachtwoord opvragen / Request password" on the login page.`;
    }
    case 'list':
      return (await accounts.list()).map(describe).join('\n') || '(no accounts)';
    case 'show': {
      const a = await find(accounts, o.email);
      return `${describe(a)}\nid: ${a.id}\ncreated: ${new Date(a.createdAt * 1000).toISOString()}`;
    }
    case 'disable':
    case 'enable': {
      const a = await find(accounts, o.email);
      await setDisabled(store, a.id, command === 'disable');
      return `${command}d ${a.email}`;
    }
    case 'reset-mfa': {
      const a = await find(accounts, o.email);
      await resetSecondFactors(store, a.id);
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

