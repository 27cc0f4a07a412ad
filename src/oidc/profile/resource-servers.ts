import { errors, type AsymmetricSigningAlgorithm, type Configuration } from 'oidc-provider';
import type { ResourceServerSetting } from '../../profile-config.ts';

type Features = NonNullable<Configuration['features']>;

/**
 * RFC 8707 resource indicators for the APIs in RESOURCE_SERVERS: an
 * authorization request (and the token request after it) with `resource` for
 * one of them gets an RFC 9068 access token (`typ` at+jwt) for that audience,
 * carrying only the requested scopes that server accepts. Any other resource is
 * refused (invalid_target). Without `resource` the access token is the opaque
 * one for the provider's own UserInfo endpoint, as before.
 */
export function resourceIndicators(
  servers: ResourceServerSetting[],
  alg?: AsymmetricSigningAlgorithm,
): Pick<Configuration, 'formats'> & { features: Pick<Features, 'resourceIndicators'> } {
  const byUrl = new Map(servers.map((s) => [s.url, s]));
  return {
    features: {
      resourceIndicators: {
        enabled: true,
        async getResourceServerInfo(_ctx, indicator) {
          const server = byUrl.get(URL.parse(indicator)?.href ?? '');
          if (!server) throw new errors.InvalidTarget('this resource is not a resource server of this provider');
          return { scope: server.scopes.join(' '), audience: server.url, accessTokenFormat: 'jwt', jwt: { sign: { alg } } };
        },
      },
    },
    formats: {
      customizers: {
        // RFC 9068 and the NL GOV OAuth profile name the client in `azp` as well as in `client_id`.
        async jwt(_ctx, token, jwt) {
          jwt.payload.azp = token.clientId;
        },
      },
    },
  };
}
