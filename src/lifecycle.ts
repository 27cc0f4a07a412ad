import type { Middleware } from 'koa';

/** Whether the instance is shutting down: /readyz answers 503 from the moment drain() is called. */
export interface Lifecycle {
  readonly draining: boolean;
  drain(): void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    drain() {
      draining = true;
    },
  };
}

/**
 * While draining, each response closes its connection, so that a load balancer
 * holding a keep-alive connection opens its next one to another instance
 * instead of reusing one that is about to go away.
 */
export function closeConnectionsWhileDraining(lifecycle: Lifecycle): Middleware {
  return async (ctx, next) => {
    await next();
    if (lifecycle.draining) ctx.set('Connection', 'close');
  };
}
