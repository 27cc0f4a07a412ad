import type { Configuration } from 'oidc-provider';
import type { NlgovSettings, ProfileSettings } from '../../profile-config.ts';
import type { OidcProfile } from './profile.ts';
import { NLGOV_ALGORITHMS, NLGOV_SIGNING_ALG } from './algorithms.ts';
import { withAssurance } from './assurance.ts';
import { idTokensWithJtiAndNbf } from './id-token-claims.ts';
import { nlgovLifetimes } from './lifetimes.ts';
import { signedMetadata } from './metadata.ts';
import { pairwiseSubject } from './pairwise.ts';
import { checkRegistrations } from './registration.ts';
import { resourceIndicators } from './resource-servers.ts';

/** The profile recommends caching discovery and keys for at least a week (ProviderProfile, Caching). */
const ONE_WEEK = 7 * 24 * 60 * 60;

/**
 * Cross-origin requests to the token, introspection, revocation and UserInfo
 * endpoints only from the exact origin of one of the client's redirect URIs,
 * and for the token endpoint only by public clients (a confidential client's
 * key never sits in a browser); never a wildcard. Discovery and /jwks are public.
 */
const clientBasedCORS: NonNullable<Configuration['clientBasedCORS']> = (ctx, origin, client) => {
  if (origin === 'null') return false;
  if (ctx.oidc.route !== 'userinfo' && client.clientAuthMethod !== 'none') return false;
  return client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false;
};

/** NL GOV OAuth 3.2.2: introspection needs an authenticated client (never a public one); each still sees only its own tokens. */
type Introspection = NonNullable<Configuration['features']>['introspection'];
type IntrospectionPolicy = (...args: Parameters<NonNullable<NonNullable<Introspection>['allowedPolicy']>>) => Promise<boolean> | boolean;
const confidentialOnly = (introspection: Introspection): Introspection => {
  const policy = introspection?.allowedPolicy as IntrospectionPolicy | undefined;
  return {
    enabled: true,
    allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' && (policy ? policy(ctx, client, token) : true),
  } as Introspection;
};

/**
 * The OpenID Connect NL GOV Assurance profile 1.0.1 on node-oidc-provider's own
 * features; what each setting answers is in docs/nlgov.md, row by row.
 */
export function nlgovProfile(settings: ProfileSettings, n: NlgovSettings): OidcProfile {
  const resources = resourceIndicators(settings.resourceServers, n.accessTokenAlg);
  return {
    decrypts: true,
    metadataMaxAge: ONE_WEEK,
    configure: (base) => ({
      ...base,
      ...resources,
      // No `amr`: the profile says an OpenID Provider must not return it, and `acr` says how sure the sign-in is.
      claims: { ...base.claims, openid: ['sub', 'acr', 'auth_time'] },
      acrValues: n.acrLevels,
      clientAuthMethods: ['private_key_jwt', 'none'],
      clientDefaults: { ...base.clientDefaults, token_endpoint_auth_method: 'private_key_jwt', id_token_signed_response_alg: NLGOV_SIGNING_ALG },
      clientBasedCORS,
      subjectTypes: ['pairwise'],
      pairwiseIdentifier: pairwiseSubject(n.pairwiseSalt),
      enabledJWA: NLGOV_ALGORITHMS,
      ttl: { ...base.ttl, ...nlgovLifetimes(n) },
      // Request objects by reference come only from PAR, whose request_uri values the provider issues itself.
      discovery: { ...base.discovery, require_request_uri_registration: true },
      interactions: { ...base.interactions, policy: withAssurance(base.interactions!.policy as Parameters<typeof withAssurance>[0], n) },
      features: {
        ...base.features,
        ...resources.features,
        introspection: confidentialOnly(base.features?.introspection),
        requestObjects: { enabled: true },
        pushedAuthorizationRequests: { enabled: true },
        encryption: { enabled: true },
        jwtUserinfo: { enabled: true },
        claimsParameter: { enabled: true },
      } as Configuration['features'],
    }),
    async install(provider, { clients, jwks, production }) {
      idTokensWithJtiAndNbf(provider);
      signedMetadata(provider, jwks, NLGOV_SIGNING_ALG);
      await checkRegistrations(provider, clients, n, production);
    },
  };
}
