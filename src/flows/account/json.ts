import type { Context } from 'koa';

/** A JSON answer for public/passkey.js (WebAuthn options); never cached. */
export function json(ctx: Context, body: unknown, status = 200): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.body = body;
}
