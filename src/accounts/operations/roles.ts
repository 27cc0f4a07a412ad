import type { Role } from '../roles.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type AccountDeps, type Actor } from '../events.ts';

/** Gives the account a staff role (once); false when it had it already, and then nothing is recorded. */
export async function grantRole(s: AccountDeps, actor: Actor, id: string, role: Role): Promise<boolean> {
  let granted = false;
  await updateAccount(accountsOf(s.store), id, (a) => {
    granted = !(a.roles ?? []).includes(role);
    if (granted) a.roles = [...(a.roles ?? []), role];
  });
  if (granted) await recordEvent(s, actor, id, 'grantRole', { role });
  return granted;
}

/** Takes a staff role away; false when the account did not have it, and then nothing is recorded. */
export async function revokeRole(s: AccountDeps, actor: Actor, id: string, role: Role): Promise<boolean> {
  let revoked = false;
  await updateAccount(accountsOf(s.store), id, (a) => {
    revoked = (a.roles ?? []).includes(role);
    a.roles = (a.roles ?? []).filter((r) => r !== role);
    if (!a.roles.length) delete a.roles;
  });
  if (revoked) await recordEvent(s, actor, id, 'revokeRole', { role });
  return revoked;
}
