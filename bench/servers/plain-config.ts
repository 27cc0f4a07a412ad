import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Configuration } from 'oidc-provider';
import { CLIENTS } from '../fixture.ts';
import { PROTOCOL } from '../../src/oidc/provider.ts';
import { FRONTCHANNEL_METADATA } from '../../src/logout/frontchannel.ts';

/**
 * What the plain node-oidc-provider baselines share with our service
 * (src/oidc/provider.ts): the same clients and keys, the protocol settings
 * (claims, scopes, PKCE, token rules, TTLs: PROTOCOL), the same features with
 * the same policies, the same client metadata and discovery document. What
 * they leave out is ours: the store, the screens, the middleware, the
 * interaction policy, the account rules. The caller adds an account lookup and,
 * for the same-store baseline, an adapter and a grant for first-party clients.
 */
export function plainConfiguration(o: { jwksFile: string } & Pick<Configuration, 'findAccount' | 'adapter' | 'loadExistingGrant'>): Configuration {
  const ownTokens = async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId;
  return {
    ...PROTOCOL,
    clients: CLIENTS as Configuration['clients'],
    clientDefaults: { ...PROTOCOL.clientDefaults, backchannel_logout_session_required: true },
    jwks: JSON.parse(readFileSync(o.jwksFile, 'utf8')) as Configuration['jwks'],
    findAccount: o.findAccount,
    ...(o.adapter ? { adapter: o.adapter } : {}),
    ...(o.loadExistingGrant ? { loadExistingGrant: o.loadExistingGrant } : {}),
    extraClientMetadata: { properties: ['first_party', ...FRONTCHANNEL_METADATA] },
    discovery: { frontchannel_logout_supported: true, frontchannel_logout_session_supported: true },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: ownTokens as never },
      revocation: { enabled: true, allowedPolicy: ownTokens as never },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  };
}
