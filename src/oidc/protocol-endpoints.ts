import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';

/**
 * The provider's endpoints that applications and resource servers call, which
 * answer only JSON, never a page: tokens, userinfo, introspection, revocation,
 * keys and discovery. Named by the provider's own routes.
 */
export function protocolEndpoints(provider: Provider): Set<string> {
  const routes = ['token', 'userinfo', 'introspection', 'revocation', 'jwks'].map((name) => provider.pathFor(name));
  return new Set([...routes, '/.well-known/openid-configuration']);
}

/**
 * Our pages and APIs (screens, their state and error pages, SCIM, assets, the
 * logout additions) as one middleware, which the protocol endpoints go past:
 * none of it applies to them, and they are the calls an application makes most
 * often, so each layer skipped is time saved on every one of them.
 */
export function exceptProtocolEndpoints(provider: Provider, middleware: Middleware[]): Middleware {
  const skipped = protocolEndpoints(provider);
  const pages = compose(middleware);
  return (ctx, next) => (skipped.has(ctx.path) ? next() : pages(ctx, next));
}
