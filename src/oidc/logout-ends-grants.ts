import type Provider from 'oidc-provider';
import type { Store } from '../../adapters/types.ts';
import { revokeGrants } from '../accounts/grants.ts';

type EndedSession = { authorizations?: Record<string, { grantId?: string }>; destroy(): Promise<void> };

/**
 * "Log out" on the provider's sign-out page ends every grant of the session,
 * offline access included. node-oidc-provider keeps grants with offline_access
 * past a logout (persistsLogout); a CBS application must not keep working with
 * a refresh token after the user signed out of all of them.
 *
 * Done where the provider ends the session (Session#destroy, which its
 * end-session confirmation awaits before it answers), so that what "Log out"
 * ends never depends on the page shown after it (the redirect, the provider's
 * own page, or the front-channel page that replaces either).
 */
export function logoutEndsEveryGrant(provider: Provider, store: Store): void {
  const session = provider.Session.prototype as unknown as EndedSession;
  const destroy = session.destroy;
  session.destroy = async function endsItsGrants(this: EndedSession) {
    const grants = Object.values(this.authorizations ?? {}).flatMap((a) => (a.grantId ? [{ id: a.grantId, exp: 0 }] : []));
    await revokeGrants(store, grants);
    await destroy.call(this);
  };
}
