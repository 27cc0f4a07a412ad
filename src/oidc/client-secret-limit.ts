import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Limits } from '../security/rate-limits.ts';

type SecretCheck = { clientId: string; compareClientSecret(actual: string): Promise<boolean> | boolean };

/** Past the limit: 429, the OAuth error an application's library reads (RFC 6749 §5.2), and when to try again. */
class TooManyClientAuthentications extends errors.OIDCProviderError {
  constructor() {
    super(429, 'invalid_client');
    this.error_description = 'too many failed client authentications from this address; try again later';
  }
}

/**
 * Client secrets are guessed no faster than passwords, at the token,
 * introspection and revocation endpoints (client_secret_basic and _post): done
 * where the provider compares the secret, so no endpoint is left out. The
 * comparison itself is local and constant-time; what an attempt yields is its
 * answer, and that is what the limit bounds. A wrong secret takes a point of the
 * (client, IP) counter, atomically, before its answer: of 30 parallel wrong
 * guesses exactly 20 are told "wrong", the rest 429, and the 20th locks that
 * address out of that client. A right secret takes no point, so an
 * application's servers can send as many requests in parallel as they like
 * without locking themselves out (a point taken and given back would be held
 * by every request in flight); it is refused too while its address is locked.
 */
export function limitClientSecretChecks(provider: Provider, limits: Limits): void {
  const client = provider.Client.prototype as unknown as SecretCheck;
  const compare = client.compareClientSecret;
  const tooMany = (ctx: KoaContextWithOIDC | undefined, retryAfter: number) => {
    ctx?.set('Retry-After', String(retryAfter));
    return new TooManyClientAuthentications();
  };
  client.compareClientSecret = async function limited(this: SecretCheck, actual: string) {
    const ctx = Provider.ctx;
    const ip = ctx?.ip ?? '';
    if (await compare.call(this, actual)) {
      const lockedFor = await limits.clientSecretLockedFor(this.clientId, ip);
      if (lockedFor) throw tooMany(ctx, lockedFor);
      return true;
    }
    const taken = await limits.takeClientSecretAttempt(this.clientId, ip);
    if (taken.kind === 'locked') throw tooMany(ctx, taken.retryAfter);
    await taken.attempt.failed();
    return false;
  };
}
