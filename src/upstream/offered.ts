import type { Context, Middleware } from 'koa';
import type { UpstreamProvider } from './config.ts';

/** What the screens show of the configured providers: their id (in URLs) and their name in each language. */
type OfferedProvider = Pick<UpstreamProvider, 'id' | 'displayName'>;

/** Every screen knows the providers (the login page's buttons, the invitation, My account, the console). */
export const offerProviders = (providers: UpstreamProvider[]): Middleware => {
  const offered: OfferedProvider[] = providers.map(({ id, displayName }) => ({ id, displayName }));
  return async (ctx, next) => {
    ctx.state.upstreamProviders = offered;
    await next();
  };
};

export const offeredProviders = (ctx: Context): OfferedProvider[] => (ctx.state.upstreamProviders as OfferedProvider[] | undefined) ?? [];
