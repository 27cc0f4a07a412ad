import type Provider from 'oidc-provider';
import type { GrantRef } from '../accounts/account.ts';
import type { LogoutNotice } from '../../adapters/types.ts';

/** How long an application may take to take a logout token before the attempt counts as failed. */
const DELIVERY_TIMEOUT_MS = 5_000;

type SendLogout = (this: InstanceType<Provider['Client']>, sub: string, sid: string | undefined) => Promise<void>;

/**
 * OpenID Connect Back-Channel Logout through node-oidc-provider's own logout
 * tokens (Client#backchannelLogout signs and posts them), with delivery made ours:
 * - the provider's end-session awaits every delivery before it answers the
 *   browser; queued instead (`queue`, logout-deliveries.ts), a slow or
 *   unreachable application never holds up the user's sign-out page, and a
 *   failed one is retried;
 * - every ID token carries `sid`, the session id logout tokens name, whether or
 *   not the application registered a back-channel endpoint yet.
 * Returns how a queued notice is delivered, and what ending an account's
 * sessions calls (accounts/sessions-ended.ts).
 */
export function backchannelLogout(provider: Provider, queue: (notice: LogoutNotice) => Promise<void>) {
  const client = provider.Client.prototype as unknown as { backchannelLogout: SendLogout; includeSid: () => boolean };
  const sendNow = client.backchannelLogout;
  client.backchannelLogout = function queued(sub, sid) {
    return queue({ clientId: this.clientId, sub, ...(sid ? { sid } : {}) });
  };
  client.includeSid = () => true;

  return {
    /** Signs a new logout token for the notice and posts it: a stored notice never holds a token. */
    async deliver({ clientId, sub, sid }: LogoutNotice): Promise<void> {
      const application = await provider.Client.find(clientId);
      if (!application?.backchannelLogoutUri) throw new Error('the application is no longer registered with a back-channel logout endpoint');
      await sendNow.call(application, sub, sid);
    },
    /** Every application the ended grants were for is told, once per session of it. */
    async accountSignedOut(accountId: string, ended: GrantRef[]): Promise<void> {
      const sessions = new Map(ended.filter((g) => g.clientId).map((g) => [`${g.clientId} ${g.sid ?? ''}`, g]));
      for (const { clientId, sid } of sessions.values()) {
        const application = await provider.Client.find(clientId!);
        if (application?.backchannelLogoutUri) await client.backchannelLogout.call(application, accountId, sid);
      }
    },
  };
}

/**
 * The provider's outgoing requests (only logout tokens: clients are registered
 * by the operator, without jwks_uri or sector identifiers). Back-channel
 * endpoints of CBS applications are often on internal addresses, which the
 * provider's default guard against server-side request forgery refuses; the
 * addresses here come only from the operator's CLIENTS_FILE, never from a user.
 */
export const outgoingFetch = (url: URL | string, options: RequestInit & { dispatcher?: unknown }): Promise<Response> => {
  const { dispatcher: _ssrfGuard, ...rest } = options;
  return fetch(url, { ...rest, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
};
