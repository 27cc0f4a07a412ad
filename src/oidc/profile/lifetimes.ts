import type { Configuration } from 'oidc-provider';
import type { NlgovSettings } from '../../profile-config.ts';

/** Public clients' access tokens live a quarter of an hour at most (NL GOV OAuth › Token Lifetimes). */
const PUBLIC_CLIENT_ACCESS_TOKEN = 15 * 60;

type Ttl = NonNullable<Configuration['ttl']>;
type TokenTtl = Extract<Ttl['RefreshToken'], (...args: never[]) => number>;
type ClientOf = Parameters<TokenTtl>[2];
const isPublic = (client: ClientOf | undefined) => client?.clientAuthMethod === 'none';

/**
 * The profile's lifetimes, as configured within its bounds (profile-config.ts):
 * ID tokens ≤ 5 minutes; access tokens ≤ 1 hour, ≤ 15 minutes for public
 * clients; a refresh token expires its lifetime after it was issued, and
 * rotation issues a new one on every use, so an unused chain dies that long
 * after its last use. A public client's rotated token keeps what was left of
 * the first one's lifetime: its chain ends that long after the sign-in.
 */
export function nlgovLifetimes(n: NlgovSettings): Partial<Ttl> {
  return {
    IdToken: n.idTokenSeconds,
    AccessToken: (_ctx, _token, client) => (isPublic(client) ? Math.min(n.accessTokenSeconds, PUBLIC_CLIENT_ACCESS_TOKEN) : n.accessTokenSeconds),
    RefreshToken: (ctx, _token, client) => {
      const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
      return isPublic(client) && rotated ? rotated.remainingTTL : n.refreshTokenSeconds;
    },
  };
}
