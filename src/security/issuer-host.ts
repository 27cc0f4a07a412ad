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

/** Discovery and keys change only with a deployment: caches may keep them a while. */
export function cacheDiscovery(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 200 && (ctx.path === '/.well-known/openid-configuration' || ctx.path === '/jwks')) {
      ctx.set('Cache-Control', 'public, max-age=300');
    }
  };
}
