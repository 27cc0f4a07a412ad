import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { render } from '../../web/render.ts';
import { leadBackTo } from './pages.ts';
import { upstreamSignIn } from './sign-in.ts';
import { upstreamLinking } from './link.ts';
import { upstreamInvitation } from './invitation.ts';

type CallbackDeps = Parameters<typeof upstreamSignIn>[0] &
  Parameters<typeof upstreamLinking>[0] &
  Parameters<typeof upstreamInvitation>[0] &
  Pick<Services, 'upstream'>;

/**
 * /upstream/<provider>/callback, the redirect URI registered at the provider:
 * the answer is matched to its pending sign-in (by state, once; in the browser
 * that asked), checked and redeemed (src/upstream), and then completes what it
 * was for. Any failure is a page of upstreamFailures, and changes nothing.
 */
export function upstreamCallback(s: CallbackDeps) {
  const complete = { login: upstreamSignIn(s), link: upstreamLinking(s), invitation: upstreamInvitation(s) };
  return async (ctx: Context) => {
    const provider = s.upstream.provider(ctx.params.provider);
    if (!provider) return render(ctx, 'error', { title: 'error.title', message: 'error.not_found' }, 404);
    // The language of this browser's sign-in, for the page even of an answer whose sign-in is gone.
    adoptLocale(ctx, s.upstream.browserLocale(ctx));
    const taken = await s.upstream.pendingOf(ctx);
    const { purpose, locale } = taken.pending;
    adoptLocale(ctx, locale);
    leadBackTo(ctx, purpose);
    const identity = await s.upstream.identity(ctx, provider, taken);
    if (purpose.kind === 'login') return complete.login(ctx, provider, identity, purpose);
    if (purpose.kind === 'link') return complete.link(ctx, provider, identity, purpose);
    return complete.invitation(ctx, provider, identity, purpose);
  };
}
