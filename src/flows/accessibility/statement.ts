import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Locale } from '../../i18n/index.ts';
import { dayOf } from '../../i18n/format.ts';
import { render } from '../../web/render.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { FIRST_FACTOR_MAX_AGE } from '../../accounts/standing.ts';

/** The statement's address in each language (the layout's footer links to the page's own). */
export const STATEMENT_PATHS = { nl: '/toegankelijkheid', en: '/accessibility' } satisfies Record<Locale, string>;

/** The day the statement was drawn up: review it, and this date, after an audit or a change to the screens. */
const STATEMENT_DATE = '2026-12-04';

type StatementDeps = Pick<Services, 'config'>;

/**
 * The accessibility statement a Dutch government service publishes (the model
 * of digitoegankelijk.nl): status, what was tested and how, known limitations,
 * how to report a problem. Each address speaks its own language unless the
 * user chose one.
 */
export function accessibilityStatement(s: StatementDeps) {
  return async (ctx: Context) => {
    adoptLocale(ctx, ctx.path === STATEMENT_PATHS.en ? 'en' : 'nl');
    await render(ctx, 'accessibility/statement', {
      title: 'accessibility.title',
      issuer: s.config.issuer,
      contact: s.config.accessibilityContact,
      signInMinutes: FIRST_FACTOR_MAX_AGE / 60,
      linkMinutes: s.config.resetTokenTtlSeconds / 60,
      date: dayOf(STATEMENT_DATE),
    });
  };
}
