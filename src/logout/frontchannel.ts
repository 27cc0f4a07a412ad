import type { Context, Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { render } from '../web/render.ts';

/**
 * Front-Channel Logout 1.0 for browser-only applications (node-oidc-provider 9
 * has back-channel logout only). After "Log out" on the provider's page, the
 * browser is shown a page that loads each application's registered
 * `frontchannel_logout_uri` in a hidden iframe (with `iss` and `sid` when the
 * application asked for them), then continues to where the provider sent it.
 * What it reads of the provider's answer is listed in provider-patch.ts (PATCHED).
 */
export const FRONTCHANNEL_METADATA = ['frontchannel_logout_uri', 'frontchannel_logout_session_required'];

export function validateFrontchannelMetadata(key: string, value: unknown): void {
  if (key === 'frontchannel_logout_session_required' && value !== undefined && typeof value !== 'boolean') {
    throw new errors.InvalidClientMetadata('frontchannel_logout_session_required must be a boolean');
  }
  if (key === 'frontchannel_logout_uri' && value !== undefined && !isWebUrl(value)) {
    throw new errors.InvalidClientMetadata('frontchannel_logout_uri must be an http(s) URL without a fragment');
  }
}

function isWebUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.hash;
  } catch {
    return false;
  }
}

/** The iframe URLs of the applications of a session that was just ended. */
async function frontchannelUrls(oidc: KoaContextWithOIDC['oidc']): Promise<string[]> {
  const authorizations = oidc.session?.authorizations ?? {};
  const urls = await Promise.all(
    Object.entries(authorizations).map(async ([clientId, { sid }]) => {
      const metadata = (await oidc.provider.Client.find(clientId))?.metadata() as Record<string, unknown> | undefined;
      const uri = metadata?.frontchannel_logout_uri;
      if (typeof uri !== 'string') return undefined;
      const url = new URL(uri);
      if (metadata?.frontchannel_logout_session_required && sid) {
        url.searchParams.set('iss', oidc.issuer);
        url.searchParams.set('sid', sid);
      }
      return url.toString();
    }),
  );
  return urls.filter((u): u is string => !!u);
}

export function frontchannelLogout(): Middleware {
  return async (ctx: Context, next) => {
    await next();
    const { oidc } = ctx as unknown as KoaContextWithOIDC;
    if (oidc?.route !== 'end_session_confirm' || !oidc.params?.logout || ![302, 303].includes(ctx.status)) return;
    const frames = await frontchannelUrls(oidc);
    const destination = ctx.response.get('location');
    if (!frames.length || !destination) return;
    ctx.remove('location');
    const origins = [...new Set(frames.map((f) => new URL(f).origin))].join(' ');
    await render(ctx, 'logout-frontchannel', { title: 'logout.title', frames, next: destination });
    ctx.set(
      'Content-Security-Policy',
      `default-src 'self'; img-src 'self' data:; frame-src ${origins}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
    );
  };
}
