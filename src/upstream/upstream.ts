import type { Context } from 'koa';
import type { SingleUseTokenStore } from '../../adapters/types.ts';
import type { Locale } from '../i18n/index.ts';
import { publicHalf, type UpstreamProvider } from './config.ts';
import { upstreamClient, type UpstreamIdentity } from './client.ts';
import { UpstreamFailure } from './failure.ts';
import { beginUpstream, browserLocale, takeUpstream, type PendingUpstream, type UpstreamPurpose } from './pending.ts';

interface UpstreamDeps {
  providers: UpstreamProvider[];
  issuer: string;
  tokens: SingleUseTokenStore;
}

/**
 * Sign-in at an institution (#26): the configured providers, and the two halves
 * of a sign-in there. What the answer is used for (a sign-in's first step, a link)
 * is the flows' (src/flows/upstream); this is only the protocol and its checks.
 */
export function createUpstream({ providers, issuer, tokens }: UpstreamDeps) {
  const client = upstreamClient();
  const secure = issuer.startsWith('https:');
  /** The redirect URI registered at the provider: one per provider, built from ISSUER. */
  const callbackUrl = (provider: UpstreamProvider) => `${issuer}/upstream/${provider.id}/callback`;

  return {
    providers,
    provider: (id: string | undefined) => providers.find((p) => p.id === id),
    callbackUrl,
    /** The public keys of the providers that authenticate this service by private_key_jwt: the JWKS URL to register there. */
    publicKeys: {
      keys: [...new Map(providers.flatMap((p) => (p.auth.method === 'private_key_jwt' ? [[p.auth.key.kid, publicHalf(p.auth.key)] as const] : []))).values()],
    },

    /** Keeps the pending sign-in, bound to this browser; returns the provider's authorization URL. `fresh`: the person logs in there again. */
    async start(ctx: Context, provider: UpstreamProvider, purpose: UpstreamPurpose, o: { locale: Locale; fresh: boolean }): Promise<string> {
      const { state, nonce, verifier } = await beginUpstream(ctx, tokens, secure, { provider: provider.id, purpose, locale: o.locale });
      const url = await client.authorizationUrl(provider, { redirectUri: callbackUrl(provider), state, nonce, verifier, locale: o.locale, fresh: o.fresh });
      return url.toString();
    },

    browserLocale,

    /** The pending sign-in this answer belongs to, taken (once); a state that is unknown, used or expired is refused. */
    async pendingOf(ctx: Context): Promise<{ pending: PendingUpstream; sameBrowser: boolean }> {
      const taken = await takeUpstream(ctx, tokens, typeof ctx.query.state === 'string' ? ctx.query.state : '');
      if (!taken) throw new UpstreamFailure('state', 'no pending sign-in has this state');
      return taken;
    },

    /**
     * The answer checked against its pending sign-in — the same provider, the same
     * browser — and redeemed: the identity it proves. A provider registered with
     * transient identifiers (a new one at every login) proves no identity to link.
     */
    async identity(
      ctx: Context,
      provider: UpstreamProvider,
      { pending, sameBrowser }: { pending: PendingUpstream; sameBrowser: boolean },
    ): Promise<UpstreamIdentity> {
      if (pending.provider !== provider.id) throw new UpstreamFailure('state', `the state is of provider ${pending.provider}`);
      if (!sameBrowser) throw new UpstreamFailure('other_browser', 'the answer reached another browser than the one that asked');
      const identity = await client.identity(provider, new URL(`${callbackUrl(provider)}${ctx.search}`), {
        state: String(ctx.query.state),
        nonce: pending.nonce,
        verifier: pending.verifier,
      });
      if (provider.subjectType === 'transient') throw new UpstreamFailure('identifier', 'the provider gives transient identifiers');
      return identity;
    },
  };
}

export type Upstream = ReturnType<typeof createUpstream>;
