import type { Context, Middleware } from 'koa';
import { InvalidCsrfToken } from '../errors.ts';
import { randomToken } from './random-token.ts';
import { sameSecret } from './same-secret.ts';

const COOKIE = 'idp.csrf';

/** The browser's CSRF token: a random value in a signed, HttpOnly cookie, echoed by every form. */
export function csrfToken(ctx: Context, secure: boolean): string {
  const existing = ctx.cookies.get(COOKIE, { signed: true });
  if (existing) return existing;
  const token = randomToken();
  ctx.cookies.set(COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, overwrite: true });
  return token;
}

/** Every state-changing request to our own screens must carry the token (double submit, signed cookie). */
export function requireCsrf(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST') {
      const sent = (ctx.request as unknown as { body?: Record<string, unknown> }).body?._csrf;
      const cookie = ctx.cookies.get(COOKIE, { signed: true });
      if (typeof sent !== 'string' || !cookie || !sameSecret(sent, cookie)) throw new InvalidCsrfToken();
    }
    await next();
  };
}
