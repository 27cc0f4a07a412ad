import type Provider from 'oidc-provider';
import { randomBytes } from 'node:crypto';

/**
 * The node-oidc-provider release this patch was written against and checked
 * with (test/unit/nlgov-id-token-patch.test.ts fails on any other one, so that
 * an upgrade is read against lib/models/id_token.js before it ships).
 */
export const ID_TOKEN_PATCH_CHECKED_WITH = '9.13.3';

type Issue = (this: { set(key: string, value: unknown): void }, options: { use: string; expiresAt?: number }) => Promise<string>;

/**
 * `jti` and `nbf` in every ID token (OIDC NL GOV, ID Tokens): node-oidc-provider 9
 * has no hook for ID-token claims that are not the user's — its claims come from
 * findAccount, filtered by scope — so IdToken#issue is wrapped for this
 * provider only. `set` adds a claim after that filter, as the library itself
 * does for `nonce` and `sid`. `jti`: 128 bits from the CSPRNG, unique for far
 * longer than the twelve months the profile asks; `nbf`: the time of issue.
 * Logout tokens (use "logout") keep the library's own `jti`.
 */
export function idTokensWithJtiAndNbf(provider: Provider): void {
  const prototype = provider.IdToken.prototype as unknown as { issue: Issue; set: unknown };
  if (typeof prototype.issue !== 'function' || typeof prototype.set !== 'function') {
    throw new Error('node-oidc-provider changed IdToken: src/oidc/profile/id-token-claims.ts must be revisited');
  }
  const issue = prototype.issue;
  prototype.issue = function issueWithJtiAndNbf(options) {
    if (options?.use === 'idtoken') {
      this.set('jti', randomBytes(16).toString('base64url'));
      this.set('nbf', Math.floor(Date.now() / 1000));
    }
    return issue.call(this, options);
  };
}
