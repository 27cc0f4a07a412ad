import { upstreamStarts } from './start.ts';
import { upstreamCallback } from './callback.ts';
import { upstreamUnlinking } from './link.ts';
import { upstreamFailures } from './pages.ts';
import type { Context } from 'koa';
import { sendJson } from '../../web/json.ts';

type UpstreamFlowDeps = Parameters<typeof upstreamCallback>[0] & Parameters<typeof upstreamStarts>[0];

/**
 * Sign in with your institution (#26): SURFconext or eduID as the first step of a
 * sign-in, CBS's second factor after it; linking an institution account (only by
 * its holder signed in with password and second factor, or completing an
 * invitation), and unlinking it (My account, the helpdesk console).
 */
export function upstreamFlow(s: UpstreamFlowDeps) {
  const unlinking = upstreamUnlinking(s);
  return {
    failures: upstreamFailures(s),
    start: upstreamStarts(s),
    callback: upstreamCallback(s),
    unlinkOwn: unlinking.own,
    unlinkByStaff: unlinking.byStaff,
    /** The JWKS URL to register at a provider that authenticates this service by private_key_jwt. */
    jwks: (ctx: Context) => sendJson(ctx, s.upstream.publicKeys),
  };
}
