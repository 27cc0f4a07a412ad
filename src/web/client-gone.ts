import type { Context } from 'koa';

/**
 * Aborts when the browser closes the connection before its answer is sent, so
 * that work queued for the request (a password hash waiting for a core) is not
 * done for nobody.
 */
export function whileClientWaits(ctx: Context): AbortSignal {
  const controller = new AbortController();
  if (ctx.req.socket.destroyed) controller.abort();
  else
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) controller.abort();
    });
  return controller.signal;
}
