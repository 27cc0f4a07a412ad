import type { Context, Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { UserFacingError, TooManyRequests } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import { render } from './render.ts';

/** oidc-provider's error names → what we tell the user. */
const PROVIDER_ERRORS: Record<string, MessageKey> = {
  SessionNotFound: 'error.session',
  InvalidClient: 'error.client',
  InvalidRedirectUri: 'error.client',
};

export function errorPage(ctx: Context, key: MessageKey, status: number): Promise<void> {
  return render(ctx, 'error', { title: 'error.title', message: key }, status);
}

/** The provider's renderError hook: its errors, shown on our page in the user's language. */
export function providerErrorPage(log: Logger) {
  return async (ctx: Context, _out: unknown, error: Error & { status?: number }): Promise<void> => {
    const status = error.status ?? 500;
    if (status >= 500) log.error({ err: error }, 'provider error');
    await errorPage(ctx, PROVIDER_ERRORS[error.name] ?? (status >= 500 ? 'error.server' : 'error.request'), status);
  };
}

function keyForStatus(status: number): MessageKey {
  if (status === 413) return 'error.too_large';
  if (status === 404) return 'error.not_found';
  if (status === 429) return 'error.too_many';
  return 'error.request';
}

/** One place where errors become pages: typed errors by their own status, anything else a 500 without details. */
export function errorPages(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.method === 'GET') await errorPage(ctx, 'error.not_found', 404);
    } catch (err) {
      if (err instanceof TooManyRequests) ctx.set('Retry-After', String(err.retryAfterSeconds));
      if (err instanceof UserFacingError) return errorPage(ctx, err.messageKey, err.status);
      const status = (err as { status?: number }).status;
      const expose = (err as { expose?: boolean }).expose;
      if (status && status >= 400 && status < 500 && expose !== false) return errorPage(ctx, keyForStatus(status), status);
      log.error({ err, path: ctx.path }, 'unhandled error');
      await errorPage(ctx, 'error.server', 500);
    }
  };
}
