import type Provider from 'oidc-provider';
import { SignJWT, importJWK } from 'jose';
import type { PrivateJwks } from '../keys.ts';

const DISCOVERY_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']);

/**
 * `signed_metadata` (RFC 8414 §2.1, recommended by the profile): the discovery
 * document's values as the claims of a JWT signed with the provider's first key
 * of `alg`, `iss` the issuer. The document only changes with a deployment, so
 * the JWT is made once per process (per document, should the two ever differ).
 */
export function signedMetadata(provider: Provider, jwks: PrivateJwks, alg: string): void {
  const signed = new Map<string, Promise<string>>();
  const jwk = jwks.keys.find((k) => k.alg === alg && k.use !== 'enc');
  if (!jwk) throw new Error(`no ${alg} key to sign the discovery document with`);
  const sign = async (metadata: Record<string, unknown>) =>
    new SignJWT(metadata)
      .setProtectedHeader({ alg, kid: jwk.kid })
      .setIssuer(provider.issuer)
      .setIssuedAt()
      .sign(await importJWK(jwk, alg));
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 200 || !DISCOVERY_PATHS.has(ctx.path) || !ctx.body || typeof ctx.body !== 'object') return;
    const metadata = ctx.body as Record<string, unknown>;
    const key = JSON.stringify(metadata);
    if (!signed.has(key)) signed.set(key, sign(metadata));
    ctx.body = { ...metadata, signed_metadata: await signed.get(key) };
  });
}
