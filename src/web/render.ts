import type { Context } from 'koa';
import type { MessageKey, Translate, Locale } from '../i18n/index.ts';
import type { FieldMessage } from './form.ts';
import { renderView } from '../view-engine.ts';

/** What every page gets from the request (set by the middleware in web/page-state.ts). */
export interface PageState {
  locale: Locale;
  t: Translate;
  csrf: string;
  /** This page's URL in the other language, for the language switch. */
  langLinks: { locale: Locale; href: string; label: string; current: boolean }[];
  asset: (name: string) => string;
}

interface PageModel {
  title: MessageKey;
  /** "Step n of 3" on the first-login screens. */
  step?: 1 | 2 | 3;
  [key: string]: unknown;
}

/** Renders a screen inside the layout. Never throws user data into the page unescaped (EJS <%= %>). */
export async function render(ctx: Context, view: string, model: PageModel, status = 200): Promise<void> {
  const state = ctx.state as PageState;
  const msg = (m: FieldMessage) => (typeof m === 'string' ? state.t(m) : state.t(m.key, m.params));
  const data = { errors: {}, ...state, ...model, view, msg };
  const body = await renderView(view, data);
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderView('layout', { ...data, body });
}
