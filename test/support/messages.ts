import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { CATALOGS, translator, type Locale, type MessageKey, type MessageParams } from '../../src/i18n/index.ts';

/**
 * Tests find what a page says through the catalog, never through a copy of its
 * text: a translator who rewords a message changes no test.
 */
export function msg(key: MessageKey, params?: MessageParams, locale: Locale = 'nl'): string {
  return translator(locale)(key, params);
}

/** A message's parsed form, as the service parses it (a < is text). */
export const messageAst = (key: MessageKey, locale: Locale): MessageFormatElement[] => parse(CATALOGS[locale][key], { ignoreTag: true });

/** The text as a regular expression that matches exactly it. */
const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(elements: MessageFormatElement[], known: Record<string, string>): string {
  return elements
    .map((el) => {
      switch (el.type) {
        case TYPE.literal:
          return literally(el.value);
        case TYPE.pound:
          return '[\\d.,]+';
        case TYPE.argument:
          return el.value in known ? literally(known[el.value]!) : '.+?';
        case TYPE.plural:
        case TYPE.select:
          return `(?:${Object.values(el.options)
            .map((o) => patternOf(o.value, known))
            .join('|')})`;
        case TYPE.tag:
          return patternOf(el.children, known);
        default:
          return '.+?'; // a number, date or time: its form is the formatter's
      }
    })
    .join('');
}

/**
 * A message with parts known only at run time (a date, a count, a name) as a
 * pattern: the text arguments given in `known` are filled in, every other part
 * matches any of its forms (each branch of a plural).
 */
export function msgPattern(key: MessageKey, known: Record<string, string> = {}, locale: Locale = 'nl'): RegExp {
  return new RegExp(patternOf(messageAst(key, locale), known));
}
