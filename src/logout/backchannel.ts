import type Provider from 'oidc-provider';
import type { GrantRef } from '../accounts/account.ts';
import type { LogoutNotice } from '../../adapters/types.ts';
import type { SendLogout } from './provider-patch.ts';

/** How long an application may take to take a logout token before the attempt counts as failed. */
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * OpenID Connect Back-Channel Logout through node-oidc-provider's own logout
 * tokens: `sendNow` is the provider's Client#backchannelLogout, which signs one
 * and posts it. A stored notice never holds a token: each attempt signs a new one.
 */
export const deliverWith =
  (provider: Provider, sendNow: SendLogout) =>
  async ({ clientId, sub, sid }: LogoutNotice): Promise<void> => {
    const application = await provider.Client.find(clientId);
    if (!application?.backchannelLogoutUri) throw new Error('the application is no longer registered with a back-channel logout endpoint');
    await sendNow.call(application, sub, sid);
  };

/** After an account's sessions ended: a notice for each application with a back-channel endpoint the ended grants were for, once per session of it. */
export async function noticesFor(provider: Provider, accountId: string, ended: GrantRef[]): Promise<LogoutNotice[]> {
  const sessions = new Map(ended.filter((g) => g.clientId).map((g) => [`${g.clientId} ${g.sid ?? ''}`, g]));
  const notices: LogoutNotice[] = [];
  for (const { clientId, sid } of sessions.values()) {
    const application = await provider.Client.find(clientId!);
    if (application?.backchannelLogoutUri) notices.push({ clientId: clientId!, sub: accountId, ...(sid ? { sid } : {}) });
  }
  return notices;
}

/**
 * The provider's outgoing requests: logout tokens, and a client's jwks_uri and
 * sector_identifier_uri (the NL GOV profile). Endpoints of CBS applications are
 * often on internal addresses, which the provider's default guard against
 * server-side request forgery refuses; every address here comes from the
 * operator's CLIENTS_FILE, never from a user (there is no dynamic registration).
 */
export const outgoingFetch = (url: URL | string, options: RequestInit & { dispatcher?: unknown }): Promise<Response> => {
  const { dispatcher: _ssrfGuard, ...rest } = options;
  return fetch(url, { ...rest, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
};
