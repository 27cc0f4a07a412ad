import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { requestContext } from '../request-context.ts';

/**
 * An id a load balancer or client may have assigned is kept only when it is
 * short and plain (no spaces, quotes or control characters can reach a log
 * line); anything else is replaced by a fresh UUID.
 */
const ACCEPTED_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$/;

function requestIdOf(incoming: string | undefined): string {
  return incoming && ACCEPTED_ID.test(incoming) ? incoming : randomUUID();
}

/** Tags the request (ctx.state.requestId, every log line, the X-Request-Id response header). */
export function requestId(): Middleware {
  return (ctx, next) => {
    const id = requestIdOf(ctx.get('X-Request-Id') || undefined);
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    return requestContext.run({ requestId: id }, next);
  };
}
