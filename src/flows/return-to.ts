import type { Context } from 'koa';
import type { Services } from '../services.ts';

const COOKIE = 'idp.return';

type ReturnDeps = Pick<Services, 'provider' | 'config'>;

/**
 * Where a detour (request password, e-mailed link, set password) ends: the
 * sign-in this browser started, if it is still alive; else the configured
 * default application; else our start page.
 */
export async function rememberReturn(ctx: Context, s: ReturnDeps, uid: unknown): Promise<void> {
  if (typeof uid !== 'string' || !/^[\w-]{10,64}$/.test(uid)) return;
  if (!(await s.provider.Interaction.find(uid))) return;
  ctx.cookies.set(COOKIE, uid, { signed: true, httpOnly: true, sameSite: 'lax', secure: s.config.issuer.startsWith('https:'), maxAge: 60 * 60 * 1000 });
}

export async function returnDestination(ctx: Context, s: ReturnDeps): Promise<string> {
  const uid = ctx.cookies.get(COOKIE, { signed: true });
  if (uid && (await s.provider.Interaction.find(uid))) return `/interaction/${uid}`;
  return s.config.defaultReturnUrl ?? '/';
}
