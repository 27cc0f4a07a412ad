import type Provider from 'oidc-provider';
import type { LogoutNotice } from '../../adapters/types.ts';

/**
 * The node-oidc-provider version whose source the patches below were read
 * against. test/unit/provider-patch.test.ts fails when the installed version
 * differs, naming what to re-check in the provider's source before this is raised.
 */
export const PATCHED_FOR = '9.13.3';

/**
 * What sign-out changes in, or reads from, the provider's own code: where the
 * provider calls it (a file of its package, and the call as written there), and what we rely on.
 */
export const PATCHED = [
  {
    what: 'Client#backchannelLogout',
    where: 'lib/actions/end_session.js',
    call: 'client.backchannelLogout(accountId, sid)',
    why: "awaited for every application of the session before the sign-out answers; replaced by a queued notice, the provider's own kept to sign and post it later",
  },
  {
    what: 'Client#includeSid',
    where: 'lib/helpers/process_response_types.js',
    call: 'ctx.oidc.client.includeSid()',
    why: 'asked whether an ID token carries sid; always true',
  },
  {
    what: 'Session#destroy',
    where: 'lib/actions/end_session.js',
    call: 'await session.destroy()',
    why: 'called only when the user chose "Log out", after the provider\'s own revocations and before it answers; the session\'s grants are revoked first, offline access included',
  },
  {
    what: 'the end_session_confirm route',
    where: 'lib/helpers/initialize_app.js',
    call: "post('end_session_confirm'",
    why: "frontchannel.ts reads, after the provider answered, ctx.oidc.route, params.logout, the ended session's authorizations (their sid) and the 302/303 Location",
  },
];

/** Client#backchannelLogout: signs a logout token for the application and posts it. */
export type SendLogout = (this: InstanceType<Provider['Client']>, sub: string, sid: string | undefined) => Promise<void>;
type EndedSession = { authorizations?: Record<string, { grantId?: string }>; destroy(): Promise<void> };

interface SignOutHooks {
  /** Takes a back-channel logout the provider would post now (deliveries.ts stores it and posts it after the response). */
  queue(notice: LogoutNotice): Promise<void>;
  /** Ends the grants of a session the provider is destroying. */
  endGrants(grantIds: string[]): Promise<void>;
}

/**
 * Every change sign-out makes to the provider's classes, made once per
 * provider (each has classes of its own):
 * - Client#backchannelLogout: the provider's end-session awaits every delivery
 *   before it answers the browser; queued instead, a slow or unreachable
 *   application never holds up the user's sign-out page, and a failed one is retried;
 * - Client#includeSid: every ID token carries `sid`, the session id logout
 *   tokens name, whether or not the application registered a back-channel endpoint yet;
 * - Session#destroy: "Log out" ends every grant of the session, offline access
 *   included. node-oidc-provider keeps grants with offline_access past a logout
 *   (persistsLogout); a CBS application must not keep working with a refresh
 *   token after the user signed out of all of them. Done where the provider
 *   ends the session, so that what "Log out" ends never depends on the page
 *   shown after it (the redirect, the provider's own page, or the front-channel
 *   page that replaces either).
 * Returns the provider's own Client#backchannelLogout, which signs a logout token and posts it now.
 */
export function patchProviderForLogout(provider: Provider, hooks: SignOutHooks): SendLogout {
  const client = provider.Client.prototype as unknown as { backchannelLogout: SendLogout; includeSid: () => boolean };
  const sendNow = client.backchannelLogout;
  client.backchannelLogout = function queued(sub, sid) {
    return hooks.queue({ clientId: this.clientId, sub, ...(sid ? { sid } : {}) });
  };
  client.includeSid = () => true;

  const session = provider.Session.prototype as unknown as EndedSession;
  const destroy = session.destroy;
  session.destroy = async function endsItsGrants(this: EndedSession) {
    await hooks.endGrants(Object.values(this.authorizations ?? {}).flatMap((a) => (a.grantId ? [a.grantId] : [])));
    await destroy.call(this);
  };
  return sendNow;
}
