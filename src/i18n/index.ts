import { IntlMessageFormat, type Formats } from 'intl-messageformat';
import nl from '../../locales/nl.json' with { type: 'json' };
import en from '../../locales/en.json' with { type: 'json' };

export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'nl';

/** Dutch is the source catalog: its keys are the keys, so t('no.such.key') does not typecheck. */
export type MessageKey = keyof typeof nl;

/** The catalogs in ICU MessageFormat (locales/README.md), as a translator edits them. */
export const CATALOGS: Record<Locale, Record<MessageKey, string>> = { nl, en };

/** The Intl locale each language formats plurals, numbers and dates in. */
const INTL_LOCALE: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

/** ICU's date and time styles ({at, date, long}, {at, time, short}), all in Dutch time whatever the server's zone. */
const inDutchTime = (styles: Record<string, Intl.DateTimeFormatOptions>) =>
  Object.fromEntries(Object.entries(styles).map(([name, options]) => [name, { ...options, timeZone: 'Europe/Amsterdam' }]));
const FORMATS: Partial<Formats> = { date: inDutchTime(IntlMessageFormat.formats.date), time: inDutchTime(IntlMessageFormat.formats.time) };

export type MessageParams = Record<string, string | number | Date>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Each message is parsed once, the first time it is shown. */
const formatters: Record<Locale, Map<MessageKey, IntlMessageFormat>> = { nl: new Map(), en: new Map() };

function formatterFor(locale: Locale, key: MessageKey): IntlMessageFormat {
  let formatter = formatters[locale].get(key);
  if (!formatter) {
    // ignoreTag: a < in a message is text; the templates escape what they print.
    formatter = new IntlMessageFormat(CATALOGS[locale][key], INTL_LOCALE[locale], FORMATS, { ignoreTag: true });
    formatters[locale].set(key, formatter);
  }
  return formatter;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first supported locale in a space-separated preference list (ui_locales), e.g. "en-GB nl". */
export function pickLocale(preferences: string | undefined): Locale | undefined {
  for (const tag of (preferences ?? '').split(/\s+/)) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return undefined;
}

/** The messages of one language; a message's arguments are required (intl-messageformat throws on a missing one). */
export function translator(locale: Locale): Translate {
  return (key, params) => String(formatterFor(locale, key).format(params));
}
