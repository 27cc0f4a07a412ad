import type { AccountStore } from '../../adapters/types.ts';
import type { Account } from './account.ts';

/**
 * A removed account (SCIM DELETE) is kept as a tombstone so that its id is
 * never used again; to everyone else it is gone. The store leaves it out of
 * every index; here is the rule for the rest: what shows an account found by
 * id (the console, SCIM) or filters what an index gave asks this, and no
 * sign-in step or token use finds it usable (standing.ts).
 */
export const isRemoved = (account: Pick<Account, 'deletedAt'>): boolean => account.deletedAt !== undefined;

/** The account with this id, unless there is none or it was removed. */
export async function findAccount(accounts: AccountStore<Account>, id: string): Promise<Account | undefined> {
  const account = await accounts.findById(id);
  return account && !isRemoved(account) ? account : undefined;
}
