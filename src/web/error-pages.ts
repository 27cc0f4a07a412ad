import type { Context, Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { UserFacingError, TooManyRequests } from '../errors.ts';
import { StoreUnavailableError } from '../../adapters/types.ts';
import type { MessageKey } from '../i18n/index.ts';
import { render } from './render.ts';
import { sendJson } from './json.ts';

/** oidc-provider's error names → what we tell the user. */
const PROVIDER_ERRORS: Record<string, MessageKey> = {
  SessionNotFound: 'error.session',
  InvalidClient: 'error.client',
  InvalidRedirectUri: 'error.client',
};

/** A store that cannot be reached is an outage: 503, never "expired" or "too many requests". */
export const isStoreFailure = (err: unknown): boolean =>
  err instanceof StoreUnavailableError || (err instanceof Error && err.cause instanceof StoreUnavailableError);

/** Callers that fetch JSON (public/passkey.js) get JSON errors with the same status. */
const wantsJson = (ctx: Context) => ctx.accepts('html', 'json') === 'json';

function errorPage(ctx: Context, key: MessageKey, status: number): Promise<void> {
  if (status === 503) ctx.set('Retry-After', '30');
  if (wantsJson(ctx)) return Promise.resolve(sendJson(ctx, { error: ctx.state.t?.(key) ?? key }, status));
  return render(ctx, 'error', { title: 'error.title', message: key }, status);
}

/** The provider's renderError hook: its errors, shown on our page in the user's language. */
export function providerErrorPage(log: Logger) {
  return async (ctx: Context, _out: unknown, error: Error & { status?: number }): Promise<void> => {
    if (isStoreFailure(error)) return errorPage(ctx, 'error.unavailable', 503);
    const status = error.status ?? 500;
    if (status >= 500) log.error({ err: error }, 'provider error');
    await errorPage(ctx, PROVIDER_ERRORS[error.name] ?? (status >= 500 ? 'error.server' : 'error.request'), status);
  };
}

/**
 * The provider answers its protocol endpoints' failures itself (JSON
 * server_error, 500); its server_error event tells us when the cause was the
 * store, and the answer becomes a 503 that says so.
 */
export function markStoreFailures(provider: { on(event: 'server_error', listener: (ctx: Context, err: Error) => void): unknown }, log: Logger): Middleware {
  provider.on('server_error', (ctx, err) => {
    if (isStoreFailure(err)) ctx.state.storeFailure = true;
    log.error({ err, path: ctx.path }, isStoreFailure(err) ? 'store unavailable' : 'provider error');
  });
  return async (ctx, next) => {
    await next();
    if (!ctx.state.storeFailure || ctx.status !== 500) return;
    ctx.status = 503;
    ctx.set('Retry-After', '30');
    if (ctx.body && typeof ctx.body === 'object' && 'error' in ctx.body)
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable' };
  };
}

function keyForStatus(status: number): MessageKey {
  if (status === 413) return 'error.too_large';
  if (status === 404) return 'error.not_found';
  if (status === 429) return 'error.too_many';
  return 'error.request';
}

/** One place where errors become pages: typed errors by their own status, a store outage a 503, anything else a 500 without details. */
export function errorPages(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.method === 'GET') await errorPage(ctx, 'error.not_found', 404);
    } catch (err) {
      if (err instanceof TooManyRequests) ctx.set('Retry-After', String(err.retryAfterSeconds));
      if (err instanceof UserFacingError) return errorPage(ctx, err.messageKey, err.status);
      if (isStoreFailure(err)) {
        log.error({ err, path: ctx.path }, 'store unavailable');
        return errorPage(ctx, 'error.unavailable', 503);
      }
      const status = (err as { status?: number }).status;
      const expose = (err as { expose?: boolean }).expose;
      if (status && status >= 400 && status < 500 && expose !== false) return errorPage(ctx, keyForStatus(status), status);
      log.error({ err, path: ctx.path }, 'unhandled error');
      await errorPage(ctx, 'error.server', 500);
    }
  };
}
