import type { Store } from '../../adapters/types.ts';
import { nowSeconds } from '../clock.ts';
import type { Account, GrantRef } from './account.ts';
import { accountsOf, updateAccount } from './update.ts';
import { revokeGrants } from './revoke-grants.ts';

/**
 * How many live grants an account keeps track of. Each sign-in in a new browser
 * session makes one (kept 14 days), so without a bound a user could grow their
 * own account document, which every sign-in step reads, without limit. 50 is
 * several sign-ins a day to a few applications; past it, the oldest grant ends.
 */
export const GRANTS_KEPT = 50;

/**
 * Remembers a provider grant made for the account (at consent, or for a
 * first-party client), so that ending the account's sessions can revoke the
 * grant's tokens at once — access tokens carry no sign-in time of their own.
 *
 * Past GRANTS_KEPT, the oldest grants are revoked, and only then forgotten: a
 * reference dropped with its grant still alive would be a refresh token that
 * signing out everywhere, a new password or a disable no longer reach. The
 * application that held it asks the user to sign in again (single sign-on
 * answers at once while the provider session lasts).
 */
export async function rememberGrant(store: Store, accountId: string, grant: GrantRef, loaded?: Account): Promise<void> {
  const now = nowSeconds();
  const others = (a: Account) => (a.grants ?? []).filter((g) => g.exp > now && g.id !== grant.id);
  // The list is in the order the grants were made: the oldest first.
  const beyondBound = (grants: GrantRef[]) => grants.slice(0, Math.max(0, grants.length - (GRANTS_KEPT - 1)));

  const account = loaded ?? (await accountsOf(store).findById(accountId));
  if (!account) return;
  const revoked = beyondBound(others(account));
  await revokeGrants(store, revoked);
  let raced: GrantRef[] = [];
  await updateAccount(
    accountsOf(store),
    accountId,
    (a) => {
      const kept = others(a).filter((g) => !revoked.some((r) => r.id === g.id));
      // Sign-ins of the same account that were saved since the read above; theirs are revoked right after the write.
      raced = beyondBound(kept);
      a.grants = [...kept.slice(raced.length), grant];
    },
    account,
  );
  await revokeGrants(store, raced);
}
