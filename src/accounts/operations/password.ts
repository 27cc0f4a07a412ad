import type { Store } from '../../../adapters/types.ts';
import { nowSeconds } from '../../clock.ts';
import type { Account } from '../account.ts';
import { normalizeEmail } from '../email.ts';
import { hashPassword } from '../password-hash.ts';
import { voidSetPasswordLinks } from '../reset-tokens.ts';
import type { EndSessionsDeps } from '../sessions-ended.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type Actor } from '../events.ts';
import { resetSessions } from './sessions.ts';

interface NewPassword {
  /** Grants of the caller's own session, which stay (My account). */
  keepGrants?: string[];
  /** The address (normalised) the set-password link was mailed to: setting the password through it proves the address. */
  linkMailedTo?: string;
}

/** A new password ends every other session and voids every live set-password link. */
async function writePassword(s: EndSessionsDeps, id: string, passwordHash: string, options: NewPassword) {
  await voidSetPasswordLinks(s.store, id);
  return resetSessions(
    s,
    id,
    (a) => {
      a.passwordHash = passwordHash;
      // The invitation's purpose is met by any first password, whichever link set it.
      if (a.invitation && a.invitation.acceptedAt === undefined) a.invitation.acceptedAt = nowSeconds();
      if (options.linkMailedTo !== undefined && normalizeEmail(a.email) === options.linkMailedTo) a.verifiedEmail = a.email;
    },
    options.keepGrants,
  );
}

/** A password set without the old one: through a mailed link (or by a seed that stands in for one). */
export async function setPassword(s: EndSessionsDeps, actor: Actor, id: string, password: string, options: NewPassword = {}): Promise<Account | undefined> {
  return setPasswordHash(s, actor, id, await hashPassword(password), options);
}

/** setPassword with the argon2 hash made by the caller (the benchmark seeds many accounts with one). */
export async function setPasswordHash(
  s: EndSessionsDeps,
  actor: Actor,
  id: string,
  passwordHash: string,
  options: NewPassword = {},
): Promise<Account | undefined> {
  const { account, ended } = await writePassword(s, id, passwordHash, options);
  if (account) await recordEvent(s, actor, id, 'setPassword', ended);
  return account;
}

/** A password changed by its holder, who gave the current one (My account); their own session's grants stay. */
export async function changePassword(s: EndSessionsDeps, actor: Actor, id: string, password: string, keepGrants: string[]): Promise<Account | undefined> {
  const { account, ended } = await writePassword(s, id, await hashPassword(password), { keepGrants });
  if (account) await recordEvent(s, actor, id, 'changePassword', ended);
  return account;
}

/** The same password, hashed again with today's argon2 parameters (at a sign-in): no change to the account's sessions. */
export async function rehashPassword(s: { store: Store }, id: string, passwordHash: string): Promise<void> {
  await updateAccount(accountsOf(s.store), id, (a) => {
    a.passwordHash = passwordHash;
  });
}
