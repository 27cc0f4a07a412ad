import type { Middleware } from 'koa';

/**
 * Headers for our own screens. No inline script or style anywhere, so the
 * policy can be strict. No referrer: set-password URLs carry a token.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function screenHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    await next();
  };
}

/**
 * Headers for every response, the provider's own pages included (logout,
 * errors, form_post): nothing of ours may be framed, and no URL (with a token
 * in it) leaks as a referrer.
 */
export function baseHeaders(https: boolean): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
    ctx.set('Referrer-Policy', 'no-referrer');
    if (https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
