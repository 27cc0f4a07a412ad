import type { Store } from '../../adapters/types.ts';
import type { GrantRef } from './account.ts';

/** Deletes the grant and every token issued under it (codes, access and refresh tokens). */
async function revokeGrant(store: Store, grantId: string): Promise<void> {
  await store.oidcAdapter('AccessToken').revokeByGrantId(grantId);
  await store.oidcAdapter('Grant').destroy(grantId);
}

/**
 * How a grant ends, wherever it ends: an account's sessions ended
 * (accounts/operations/sessions.ts), "Log out" on the provider's page (provider-patch.ts),
 * or the oldest of an account's grants past its bound (accounts/grants.ts).
 */
export async function revokeGrants(store: Store, grants: Pick<GrantRef, 'id'>[] | undefined): Promise<void> {
  await Promise.all((grants ?? []).map((g) => revokeGrant(store, g.id)));
}
