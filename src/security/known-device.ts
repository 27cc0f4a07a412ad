import type { Context } from 'koa';
import type { SingleUseTokenStore } from '../../adapters/types.ts';
import { randomToken } from './random-token.ts';

/**
 * A browser that completed a sign-in of an account before is a known device for
 * that account: its failed passwords count against its own budget, so an
 * attacker elsewhere cannot lock the owner out (security/rate-limits.ts). The
 * cookie holds a random id (256 bits), meaningful only with the store's marker.
 */
const COOKIE = 'idp_device';
const PURPOSE = 'known-device';
const TTL = 90 * 24 * 60 * 60;
const MARK = 'known';

const deviceId = (ctx: Context) => {
  const id = ctx.cookies.get(COOKIE);
  return id && /^[\w-]{43}$/.test(id) ? id : undefined;
};

export async function knownDevice(ctx: Context, tokens: SingleUseTokenStore, accountId: string | undefined): Promise<string | undefined> {
  const id = deviceId(ctx);
  return id && accountId && (await tokens.peek(PURPOSE, `${accountId}:${id}`, MARK)) ? id : undefined;
}

export async function rememberDevice(ctx: Context, tokens: SingleUseTokenStore, accountId: string, secure: boolean): Promise<void> {
  const id = deviceId(ctx) ?? randomToken();
  ctx.cookies.set(COOKIE, id, { httpOnly: true, sameSite: 'lax', secure, maxAge: TTL * 1000, overwrite: true });
  await tokens.put(PURPOSE, `${accountId}:${id}`, MARK, TTL);
}
