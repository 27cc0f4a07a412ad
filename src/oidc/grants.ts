import type { KoaContextWithOIDC, Grant, Session } from 'oidc-provider';
import { isMultiFactor } from './amr.ts';
import type { Store } from '../../adapters/types.ts';
import { rememberGrant } from '../accounts/grants.ts';
import { accountRecord } from './find-account.ts';
import { sendAlong } from './provider-store.ts';
import { nowSeconds } from '../clock.ts';
import type { Account } from '../accounts/account.ts';

/**
 * Saves a grant; a new one is also remembered with its account (see
 * accounts/grants.ts), with the application's session id, which logout tokens name.
 * The two writes go to the store together, in one round trip: a new grant is
 * named first, as its save() would name it. Either failing fails the request
 * before any code is issued; a reference to a grant whose write failed
 * revokes nothing and lapses at its expiry.
 */
export async function saveGrant(store: Store, grant: Grant, isNew: boolean, sid: string | undefined, account?: Account): Promise<string> {
  if (!isNew) return grant.save();
  grant.jti ||= (grant as unknown as { generateTokenId(): string }).generateTokenId();
  const ref = { id: grant.jti, exp: grant.exp ?? nowSeconds() + grant.expiration, clientId: grant.clientId, sid };
  const [id] = await Promise.all([grant.save(), rememberGrant(store, grant.accountId!, ref, account)]);
  return id;
}

/**
 * The application's session id (sid) in this provider session, made now if the
 * provider has not made it yet (it keeps one that exists): the grant is
 * remembered with it before the provider would otherwise create it.
 */
export function sessionIdFor(session: Session, clientId: string): string {
  session.ensureClientContainer(clientId);
  return session.sidFor(clientId)!;
}

export function isFirstParty(client: { [key: string]: unknown } | undefined): boolean {
  return client?.['first_party'] === true;
}

/** Records in the grant what the client asked for; used where no consent screen is needed. */
function grantRequested(ctx: KoaContextWithOIDC, grant: Grant): void {
  grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
  const claims = ctx.oidc.params?.claims ? (JSON.parse(String(ctx.oidc.params.claims)) as Record<string, Record<string, unknown>>) : {};
  const names = [...Object.keys(claims.id_token ?? {}), ...Object.keys(claims.userinfo ?? {})];
  if (names.length) grant.addOIDCClaims(names);
  // Resource servers (RESOURCE_SERVERS, resource-servers.ts): the requested scopes each one accepts.
  for (const [resource, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
    const scopes = [...ctx.oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
    if (scopes.length) grant.addResourceScope(resource, scopes.join(' '));
  }
}

/**
 * First-party clients (marked `"first_party": true` in their registration) get
 * no consent screen: the grant is made here, but only once the second factor is done.
 */
export const existingGrantLoader =
  (store: Store) =>
  async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx;
    const session = oidc.session!;
    const grantId = oidc.result?.consent?.grantId || session.grantIdFor(oidc.client!.clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!isFirstParty(oidc.client as never) || !isMultiFactor(session.amr)) return existing;

    const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: session.accountId! });
    grantRequested(ctx, grant);
    // The account as the provider's findAccount just read it for this request (find-account.ts).
    // Sent along with the provider's next store call (provider-store.ts): the code's, or a new
    // interaction's, and at the latest the session's, which the provider saves on every path from here.
    await sendAlong(saveGrant(store, grant, !existing, sessionIdFor(session, oidc.client!.clientId), accountRecord(ctx)));
    return grant;
  };
