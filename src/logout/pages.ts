import type { Context } from 'koa';
import { render } from '../web/render.ts';

/** RP-initiated logout: the provider runs it; these are its two screens, in our layout. */
export const logoutPages = {
  confirm: (ctx: Context, form: string) => render(ctx, 'logout', { title: 'logout.title', form }),
  done: (ctx: Context) => render(ctx, 'message', { title: 'logout.title', message: 'logout.done', okUrl: '/' }),
};
