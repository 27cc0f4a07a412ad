import type { Context } from 'koa';

/** A JSON answer for public/passkey.js (WebAuthn options, or why not); never cached. */
export function sendJson(ctx: Context, body: unknown, status = 200): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.body = body;
}
