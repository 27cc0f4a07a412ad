import Provider, { errors } from 'oidc-provider';
import type { Limits } from '../security/rate-limits.ts';
import { sendAlong } from './provider-store.ts';

type SecretCheck = { clientId: string; compareClientSecret(actual: string): Promise<boolean> | boolean };

/** Past the limit: 429, the OAuth error an application's library reads (RFC 6749 §5.2), and when to try again. */
class TooManyClientAuthentications extends errors.OIDCProviderError {
  constructor() {
    super(429, 'invalid_client');
    this.error_description = 'too many failed client authentications from this address; try again later';
  }
}

/**
 * Client secrets are guessed no faster than passwords: every check of one
 * (client_secret_basic and client_secret_post, at the token, introspection and
 * revocation endpoints) takes a point of the (client, IP) counter first,
 * atomically, so parallel guesses cannot all be checked; a match gives its
 * point back, so an application's own servers never lock themselves out.
 * Done where the provider compares the secret, so no endpoint is left out.
 */
export function limitClientSecretChecks(provider: Provider, limits: Limits): void {
  const client = provider.Client.prototype as unknown as SecretCheck;
  const compare = client.compareClientSecret;
  client.compareClientSecret = async function limited(this: SecretCheck, actual: string) {
    const ctx = Provider.ctx;
    const taken = await limits.takeClientSecretAttempt(this.clientId, ctx?.ip ?? '');
    if (taken.kind === 'locked') {
      ctx?.set('Retry-After', String(taken.retryAfter));
      throw new TooManyClientAuthentications();
    }
    const matches = await compare.call(this, actual);
    // A match's point goes back in the same round trip as the endpoint's next store command.
    await (matches ? sendAlong(taken.attempt.succeeded()) : taken.attempt.failed());
    return matches;
  };
}
