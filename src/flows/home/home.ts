import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';

/** The service's own start page, where a user lands with no application to return to. */
export function homeFlow(s: Services) {
  return {
    show: (ctx: Context) => render(ctx, 'home', { title: 'home.title', portalUrl: s.config.defaultReturnUrl }),
  };
}
