import type { Context, Middleware } from 'koa';
import { DEFAULT_LOCALE, LOCALES, isLocale, translator, type Locale } from '../i18n/index.ts';
import { csrfToken } from '../security/csrf.ts';
import type { PageState } from './render.ts';

const LANG_COOKIE = 'idp.lang';

function setLocale(ctx: Context, locale: Locale): void {
  const state = ctx.state as PageState;
  state.locale = locale;
  state.t = translator(locale);
  // Built only for a page that is rendered, not for every protocol request.
  Object.defineProperty(state, 'langLinks', { get: () => langLinks(ctx, locale), enumerable: true, configurable: true });
}

function langLinks(ctx: Context, locale: Locale): PageState['langLinks'] {
  return LOCALES.map((l) => {
    const query = new URLSearchParams(ctx.querystring);
    query.set('lang', l);
    // Relative to the current page: a path like //evil.example/x cannot turn into a link to another host.
    return { locale: l, href: `?${query}`, label: translator(l)('lang.name'), current: l === locale };
  });
}

/**
 * The language: ?lang= (remembered in a cookie), else the cookie, else the
 * application's ui_locales (adoptLocale), else Dutch.
 */
export function pageState(options: { secureCookies: boolean; asset: (name: string) => string }): Middleware {
  return async (ctx, next) => {
    const query = ctx.query.lang;
    const chosen = isLocale(query) ? query : ctx.cookies.get(LANG_COOKIE);
    if (isLocale(query)) {
      ctx.cookies.set(LANG_COOKIE, query, { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: 365 * 86400_000, signed: false });
    }
    ctx.state.explicitLocale = isLocale(chosen);
    setLocale(ctx, isLocale(chosen) ? chosen : DEFAULT_LOCALE);
    Object.assign(ctx.state, { asset: options.asset });
    // Lazily: only pages with a form set the CSRF cookie, never the protocol endpoints.
    Object.defineProperty(ctx.state, 'csrf', { get: () => csrfToken(ctx, options.secureCookies), enumerable: true });
    await next();
  };
}

/** Use the application's preferred language unless the user picked one. */
export function adoptLocale(ctx: Context, preferred: Locale | undefined): void {
  if (preferred && !ctx.state.explicitLocale) setLocale(ctx, preferred);
}
