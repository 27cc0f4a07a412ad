import Provider, { type Configuration, type ClientMetadata, errors } from 'oidc-provider';
import type { Store } from '../../adapters/types.ts';
import type { Account } from '../accounts/account.ts';
import type { AccountStore } from '../../adapters/types.ts';
import { keysForProvider, type PrivateJwks } from './keys.ts';
import type { OidcProfile } from './profile/profile.ts';
import { accountFinder, introspectionAllowed } from './find-account.ts';
import { policy } from './policy.ts';
import { existingGrantLoader } from './grants.ts';
import { ACR_VALUES } from './amr.ts';
import { providerAccounts, providerAdapters } from './provider-store.ts';
import { USER_SCOPES } from './clients.ts';
import { cookieSigner } from '../security/cookie-signer.ts';
import { outgoingFetch } from '../logout/backchannel.ts';
import { FRONTCHANNEL_METADATA, validateFrontchannelMetadata } from '../logout/frontchannel.ts';

interface ProviderOptions {
  issuer: string;
  store: Store;
  clients: ClientMetadata[];
  jwks: PrivateJwks;
  cookieKeys: string[];
  secureCookies: boolean;
  renderError: NonNullable<Configuration['renderError']>;
  logoutSource: NonNullable<NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>['logoutSource']>;
  postLogoutSuccessSource: NonNullable<NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>['postLogoutSuccessSource']>;
  /** OIDC_PROFILE: the standard settings below, or the NL GOV profile's over them (src/oidc/profile). */
  profile: OidcProfile;
}

/**
 * The protocol settings that do not depend on a deployment: claims, scopes,
 * PKCE, client defaults, token rules and lifetimes. The benchmark's plain
 * node-oidc-provider baseline uses these same settings.
 */
export const PROTOCOL = {
  claims: {
    sid: null,
    // How the user signed in is part of every ID token, not only when a client asks.
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'locale'],
  },
  // scim: SCIM provisioning (src/scim), for client_credentials clients registered with it (clients.ts).
  scopes: ['openid', 'email', 'profile', 'offline_access', 'scim'],
  acrValues: ACR_VALUES,
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
    token_endpoint_auth_method: 'client_secret_basic',
    // A client asks only for the scopes it is registered for (its "scope"); without one, a user sign-in's: never scim.
    scope: USER_SCOPES,
  },
  // Applications read who signed in, and how, from the ID token itself.
  conformIdTokenClaims: false,
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  ttl: {
    AccessToken: 10 * 60,
    AuthorizationCode: 60,
    ClientCredentials: 10 * 60,
    IdToken: 60 * 60,
    Interaction: 30 * 60,
    Grant: 14 * 24 * 60 * 60,
    Session: 12 * 60 * 60,
    RefreshToken: 14 * 24 * 60 * 60,
  },
} satisfies Configuration;

/** The protocol is node-oidc-provider's; this only says which parts we use and how. */
export function createProvider(o: ProviderOptions): Provider {
  const cookie = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: o.secureCookies };
  const accounts = o.store.accounts as AccountStore<Account>;
  const configuration: Configuration = {
    ...PROTOCOL,
    adapter: providerAdapters(o.store.oidcAdapter, accounts) as unknown as Configuration['adapter'],
    clients: o.clients,
    // Logout tokens name the session (sid) unless an application registers otherwise.
    clientDefaults: { ...PROTOCOL.clientDefaults, backchannel_logout_session_required: true },
    fetch: outgoingFetch as Configuration['fetch'],
    jwks: keysForProvider(o.jwks, o.profile.decrypts) as Configuration['jwks'],
    findAccount: accountFinder(providerAccounts(accounts)),
    extraClientMetadata: {
      properties: ['first_party', ...FRONTCHANNEL_METADATA],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new errors.InvalidClientMetadata('first_party must be a boolean');
        }
        validateFrontchannelMetadata(key, value);
      },
    },
    discovery: { frontchannel_logout_supported: true, frontchannel_logout_session_supported: true },
    features: {
      devInteractions: { enabled: false },
      // A client may look at, or revoke, only its own tokens; a token of an ended account is inactive.
      introspection: { enabled: true, allowedPolicy: introspectionAllowed(providerAccounts(accounts)) },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: o.logoutSource, postLogoutSuccessSource: o.postLogoutSuccessSource },
      // Delivered off the request path: see src/logout/provider-patch.ts.
      backchannelLogout: { enabled: true },
    },
    loadExistingGrant: existingGrantLoader(o.store),
    interactions: { policy: policy(), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: cookieSigner(o.cookieKeys) as never, long: cookie, short: cookie },
    renderError: o.renderError,
  };
  const provider = new Provider(o.issuer, o.profile.configure(configuration));
  return provider;
}
