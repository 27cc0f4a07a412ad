import type { Middleware } from 'koa';

/**
 * ISSUER alone decides the host and scheme of every URL the provider builds
 * (discovery, redirects, links): the request's Host and any X-Forwarded-Host
 * or -Proto a client sends are replaced before anything reads them.
 */
export function pinnedToIssuer(issuer: string): Middleware {
  const url = new URL(issuer);
  const proto = url.protocol.slice(0, -1);
  return async (ctx, next) => {
    const headers = ctx.request.headers;
    headers.host = url.host;
    headers['x-forwarded-host'] = url.host;
    headers['x-forwarded-proto'] = proto;
    await next();
  };
}

const METADATA_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks']);

/** Discovery and keys change only with a deployment: caches may keep them for the profile's time (OidcProfile.metadataMaxAge). */
export function cacheDiscovery(maxAgeSeconds: number): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 200 && METADATA_PATHS.has(ctx.path)) ctx.set('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  };
}
