import type { Context } from 'koa';
import type { Services } from '../services.ts';

type HealthDeps = Pick<Services, 'lifecycle' | 'store'>;

/**
 * /healthz: the process answers. /readyz: the store answers too, and the
 * instance is not shutting down. Handled before anything else runs.
 */
export function healthRoutes(s: HealthDeps) {
  return async (ctx: Context): Promise<boolean> => {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return true;
    }
    if (ctx.path === '/readyz') {
      if (s.lifecycle.draining) {
        ctx.status = 503;
        ctx.body = { status: 'shutting down', store: s.store.kind };
        return true;
      }
      try {
        await s.store.ping();
        ctx.body = { status: 'ready', store: s.store.kind };
      } catch {
        ctx.status = 503;
        ctx.body = { status: 'unavailable', store: s.store.kind };
      }
      return true;
    }
    return false;
  };
}
