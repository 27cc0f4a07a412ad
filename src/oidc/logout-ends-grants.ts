import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Store } from '../../adapters/types.ts';
import { revokeGrants } from '../accounts/grants.ts';

/**
 * "Log out" on the provider's sign-out page ends every grant of the session,
 * offline access included. node-oidc-provider keeps grants with offline_access
 * past a logout (persistsLogout); a CBS application must not keep working with
 * a refresh token after the user signed out of all of them.
 */
export function logoutEndsEveryGrant(store: Store): Middleware {
  return async (ctx, next) => {
    await next();
    const { oidc } = ctx as unknown as KoaContextWithOIDC;
    if (oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.params?.logout) return;
    const grants = Object.values(oidc.session?.authorizations ?? {}).flatMap((a) => (a.grantId ? [{ id: a.grantId, exp: 0 }] : []));
    await revokeGrants(store, grants);
  };
}
