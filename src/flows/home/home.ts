import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';

type HomeDeps = Pick<Services, 'config'>;

/** The service's own start page, where a user lands with no application to return to. */
export function homeFlow(s: HomeDeps) {
  return {
    show: (ctx: Context) => render(ctx, 'home/home', { title: 'home.title', portalUrl: s.config.defaultReturnUrl }),
  };
}
