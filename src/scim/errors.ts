import SCIMMY from 'scimmy';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../log.ts';
import { isStoreFailure } from '../web/error-pages.ts';
import { ERROR_SCHEMA } from './schema.ts';

/** RFC 7644 §3.12 detail keywords we answer with. */
type ScimType = 'invalidFilter' | 'invalidValue' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'noTarget' | 'invalidPath' | 'tooMany';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  constructor(status: number, scimType: ScimType | undefined, detail: string) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
  }
}

export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const notFound = () => new ScimError(404, undefined, 'no such resource');

/** Every SCIM answer: application/scim+json, never cached. */
export function sendScim(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/scim+json; charset=utf-8';
  ctx.body = body;
}

function asScimError(err: unknown): ScimError | undefined {
  if (err instanceof ScimError) return err;
  if (err instanceof SCIMMY.Types.Error) return new ScimError(err.status, err.scimType as ScimType, err.message);
  // The body parser's refusals: malformed JSON (400) or a body over the limit (413).
  const { status, expose, message } = err as { status?: number; expose?: boolean; message?: string };
  if (status && status >= 400 && status < 500 && expose !== false) {
    return new ScimError(status, status === 400 ? 'invalidSyntax' : undefined, status === 413 ? 'the request body is too large' : (message ?? 'bad request'));
  }
  return undefined;
}

/** SCIM's one error shape for everything under /scim/v2, never the HTML error page; a store outage is a 503. */
export function scimErrors(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const known = asScimError(err);
      if (known)
        return sendScim(ctx, known.status, {
          schemas: [ERROR_SCHEMA],
          status: String(known.status),
          ...(known.scimType ? { scimType: known.scimType } : {}),
          detail: known.message,
        });
      const outage = isStoreFailure(err);
      log.error({ err, path: ctx.path }, outage ? 'store unavailable' : 'scim error');
      if (outage) ctx.set('Retry-After', '30');
      sendScim(ctx, outage ? 503 : 500, {
        schemas: [ERROR_SCHEMA],
        status: outage ? '503' : '500',
        detail: outage ? 'the service is temporarily unavailable' : 'internal error',
      });
    }
  };
}
