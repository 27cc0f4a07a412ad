import type { Middleware } from 'koa';
import type { Logger } from '../log.ts';

/**
 * One line per request: method, path, status, duration, client IP. Never the
 * query string or body — set-password links carry their token in the query.
 */
export function requestLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      log.info({ event: 'request', method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), ip: ctx.ip }, 'request');
    }
  };
}
