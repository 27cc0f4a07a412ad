import type { Store } from '../../adapters/types.ts';
import { nowSeconds } from '../clock.ts';
import type { Account, GrantRef } from './account.ts';
import { accountsOf, updateAccount } from './update.ts';


/**
 * Remembers a provider grant made for the account (at consent, or for a
 * first-party client), so that ending the account's sessions can revoke the
 * grant's tokens at once — access tokens carry no sign-in time of their own.
 */
export async function rememberGrant(store: Store, accountId: string, grant: GrantRef, loaded?: Account): Promise<void> {
  await updateAccount(accountsOf(store), accountId, (a) => {
    const now = nowSeconds();
    a.grants = [...(a.grants ?? []).filter((g) => g.exp > now && g.id !== grant.id), grant];
  }, loaded);
}

/** Deletes the grant and every token issued under it (codes, access and refresh tokens). */
async function revokeGrant(store: Store, grantId: string): Promise<void> {
  await store.oidcAdapter('AccessToken').revokeByGrantId(grantId);
  await store.oidcAdapter('Grant').destroy(grantId);
}

export async function revokeGrants(store: Store, grants: GrantRef[] | undefined): Promise<void> {
  await Promise.all((grants ?? []).map((g) => revokeGrant(store, g.id)));
}
