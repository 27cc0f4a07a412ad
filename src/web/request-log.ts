import type { Context, Middleware } from 'koa';
import type { Logger } from '../log.ts';

/**
 * Answers that tell an operator nothing: probes, and the public documents and
 * assets that caches and clients fetch over and over. They are counted in the
 * metrics like every request; their lines are written at debug level only, so
 * that they cost nothing at the default level (a line costs a request like
 * these as much as the answer itself) and do not bury the lines that matter.
 */
const ROUTINE_PATHS = new Set(['/healthz', '/readyz', '/.well-known/openid-configuration', '/jwks']);
const isRoutine = (ctx: Context) => ctx.status < 400 && (ROUTINE_PATHS.has(ctx.path) || ctx.path.startsWith('/assets/'));

/**
 * One line per request: method, path, status, duration, client IP. Never the
 * query string or body — set-password links carry their token in the query.
 */
export function requestLog(log: Logger): Middleware {
  // These lines hold only the fields named here, none a secret: the redaction pass (a third of a line's cost) is skipped.
  const lines = log.child({}, { redact: { paths: [] } });
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const level = isRoutine(ctx) ? 'debug' : 'info';
      if (lines.isLevelEnabled(level)) {
        lines[level](
          { event: 'request', method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), ip: ctx.ip },
          'request',
        );
      }
    }
  };
}
