import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { importJWK } from 'jose';
import { isLoopback } from '../config.ts';
import type { Locale } from '../i18n/index.ts';
import type { UpstreamProvider } from './config.ts';
import { UpstreamFailure } from './failure.ts';

/** Discovery is read again after this long, so that a provider's new endpoints and keys are picked up. */
const DISCOVERY_MAX_AGE_MS = 60 * 60 * 1000;

/** What one sign-in at the provider proved: who the person is there, and what the link shows of them. */
export interface UpstreamIdentity {
  issuer: string;
  /** The identifier claim. */
  subject: string;
  /** The provider's label claims that were strings, exactly as given. */
  label: Record<string, string>;
}

/** A short, stable name of an identity: in the audit trail and in forms, instead of its identifier. */
export const identityRef = ({ issuer, subject }: { issuer: string; subject: string }) =>
  createHash('sha256').update(`${issuer}\0${subject}`).digest('base64url').slice(0, 22);

interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  verifier: string;
  locale: Locale;
  fresh: boolean;
}
interface Checks {
  state: string;
  nonce: string;
  verifier: string;
}

/** An identifier we can keep: a string of 1 to 255 characters, no control characters. */
const usableIdentifier = (value: unknown): value is string => typeof value === 'string' && /^[^\p{Cc}]{1,255}$/u.test(value);

async function clientAuthentication(provider: UpstreamProvider): Promise<oidc.ClientAuth> {
  const { auth } = provider;
  if (auth.method !== 'private_key_jwt') return auth.method === 'client_secret_post' ? oidc.ClientSecretPost(auth.secret) : oidc.ClientSecretBasic(auth.secret);
  const key = await importJWK(auth.key, auth.key.alg);
  return oidc.PrivateKeyJwt({ key: key as CryptoKey, kid: auth.key.kid });
}

/**
 * A failure of the network or the provider's server, anywhere in the error's
 * causes. Told by name and code, not by class: fetch's errors come from another
 * realm than this module's (undici's own TypeError).
 */
function unreachable(err: unknown): boolean {
  let e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; e = e.cause as typeof e, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true;
    if (typeof e.code === 'string' && /^(ECONN|ENOTFOUND|EAI_|EHOSTUNREACH|ETIMEDOUT|EPIPE|UND_ERR|OAUTH_RESPONSE_IS_NOT_(CONFORM|JSON))/.test(e.code))
      return true;
    if (e instanceof oidc.ResponseBodyError && e.status >= 500) return true;
  }
  return false;
}

/** openid-client's errors as the page the person gets. */
function asFailure(err: unknown, step: string): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (unreachable(err)) return new UpstreamFailure('unavailable', `${step}: the provider did not answer`, { cause: err });
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    return new UpstreamFailure('refused', `${step}: the provider answered ${err.error}`, { cause: err });
  }
  // A 401 with WWW-Authenticate: the token endpoint did not accept this service's client authentication.
  if (err instanceof oidc.WWWAuthenticateChallengeError)
    return new UpstreamFailure('refused', `${step}: the provider refused the client authentication`, { cause: err });
  return new UpstreamFailure('invalid', `${step}: ${(err as Error).message}`, { cause: err });
}

/**
 * The relying-party side, all of it openid-client: discovery from the issuer
 * (https, or http for a loopback issuer), PKCE (S256), state and nonce, the code
 * exchanged at the token endpoint and the ID token validated — issuer, audience,
 * expiry, nonce, and its signature against the provider's JWKS (openid-client
 * checks signatures of token-endpoint ID tokens only with its non-repudiation
 * checks on). One configuration per provider and process, read again hourly.
 */
export function upstreamClient() {
  const discovered = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  const configuration = (provider: UpstreamProvider): Promise<oidc.Configuration> => {
    const cached = discovered.get(provider.id);
    if (cached && Date.now() - cached.at < DISCOVERY_MAX_AGE_MS) return cached.config;
    const config = clientAuthentication(provider).then((auth) =>
      oidc.discovery(new URL(provider.issuer), provider.clientId, { id_token_signed_response_alg: provider.idTokenAlg }, auth, {
        timeout: provider.timeoutSeconds,
        execute: [oidc.enableNonRepudiationChecks, ...(isLoopback(provider.issuer) ? [oidc.allowInsecureRequests] : [])],
      }),
    );
    discovered.set(provider.id, { at: Date.now(), config });
    // A failed discovery is not kept: the next sign-in asks again.
    config.catch(() => {
      if (discovered.get(provider.id)?.config === config) discovered.delete(provider.id);
    });
    return config;
  };

  return {
    /** Where the browser goes to sign in at the provider. */
    async authorizationUrl(provider: UpstreamProvider, r: AuthorizationRequest): Promise<URL> {
      const config = await configuration(provider).catch((err: unknown) => {
        throw asFailure(err, 'discovery');
      });
      const inIdToken = [...new Set([provider.identifierClaim, ...provider.labelClaims])].filter((c) => c !== 'sub');
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: r.redirectUri,
        scope: provider.scopes.join(' '),
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(r.verifier),
        code_challenge_method: 'S256',
        state: r.state,
        nonce: r.nonce,
        ui_locales: r.locale,
        // The claims the link needs, asked for in the ID token (SURFconext gives them at userinfo otherwise).
        ...(inIdToken.length
          ? { claims: JSON.stringify({ id_token: Object.fromEntries(inIdToken.map((c) => [c, c === provider.identifierClaim ? { essential: true } : null])) }) }
          : {}),
        ...(r.fresh ? { prompt: 'login' } : {}),
      });
    },

    /**
     * The provider's answer at our callback (`callbackUrl`: built from ISSUER, with
     * the query as received), checked and redeemed; the identity it proves.
     */
    async identity(provider: UpstreamProvider, callbackUrl: URL, checks: Checks): Promise<UpstreamIdentity> {
      try {
        const config = await configuration(provider);
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims()!;
        const subject = claims[provider.identifierClaim];
        const label = Object.fromEntries(
          provider.labelClaims.flatMap((c) => (typeof claims[c] === 'string' && (claims[c] as string).length <= 200 ? [[c, claims[c] as string]] : [])),
        );
        if (!usableIdentifier(subject)) throw new UpstreamFailure('identifier', `the ID token has no usable ${provider.identifierClaim}`);
        return { issuer: provider.issuer, subject, label };
      } catch (err) {
        throw asFailure(err, 'callback');
      }
    },
  };
}
