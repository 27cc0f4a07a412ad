import type { Context, Middleware } from 'koa';
import type { Metrics } from './metrics.ts';

/** Requests that no router matched, named by a fixed set so that a scan of random paths adds no series. */
function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (ctx.path === '/healthz' || ctx.path === '/readyz') return ctx.path;
  if (ctx.path.startsWith('/assets/') && ctx.status < 400) return '/assets';
  return ctx.status === 404 ? 'unmatched' : 'other';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Duration of every request by route template (oidc-provider's and ours alike: both routers set _matchedRoute). */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    metrics.httpInFlight.inc();
    const end = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      end({ route: routeOf(ctx), method: METHODS.has(ctx.method) ? ctx.method : 'other', status_class: `${Math.floor(ctx.status / 100)}xx` });
    }
  };
}
