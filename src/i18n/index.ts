import { en } from './en.ts';
import { nl, type MessageKey } from './nl.ts';

export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'nl';
export type { MessageKey };

const catalogs: Record<Locale, Record<MessageKey, string>> = { nl, en };

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

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalog = catalogs[locale];
  return (key, params = {}) => catalog[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
