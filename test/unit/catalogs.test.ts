import { isStructurallySame, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { CATALOGS, LOCALES, type MessageKey } from '../../src/i18n/index.ts';
import { messageAst, msg, msgPattern } from '../support/messages.ts';

const KEYS = Object.keys(CATALOGS.nl) as MessageKey[];

/** Every plural in a message, with the categories it gives. */
const plurals = (elements: MessageFormatElement[]): { name: string; categories: string[] }[] =>
  elements.flatMap((el) =>
    el.type === TYPE.plural || el.type === TYPE.select
      ? [
          ...(el.type === TYPE.plural ? [{ name: el.value, categories: Object.keys(el.options) }] : []),
          ...Object.values(el.options).flatMap((o) => plurals(o.value)),
        ]
      : el.type === TYPE.tag
        ? plurals(el.children)
        : [],
  );

describe('the message catalogs (locales/*.json, ICU MessageFormat)', () => {
  test('every key is in both catalogs', () => {
    expect(Object.keys(CATALOGS.en).sort()).toEqual([...KEYS].sort());
  });

  test.each(LOCALES)('every %s message parses', (locale) => {
    const broken = KEYS.flatMap((key) => {
      try {
        messageAst(key, locale);
        return [];
      } catch (err) {
        return [`${key}: ${(err as Error).message}`];
      }
    });
    expect(broken).toEqual([]);
  });

  test('each message takes the same arguments, of the same kind, in both languages', () => {
    const differing = KEYS.flatMap((key) => {
      const same = isStructurallySame(messageAst(key, 'nl'), messageAst(key, 'en'));
      return same.success ? [] : [`${key}: ${same.error?.message}`];
    });
    expect(differing).toEqual([]);
  });

  test.each(LOCALES)('every %s plural has each form the language needs', (locale) => {
    const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    const missing = KEYS.flatMap((key) =>
      plurals(messageAst(key, locale))
        .filter((p) => !needed.every((c) => p.categories.includes(c)))
        .map((p) => `${key}: {${p.name}} has ${p.categories.join(', ')}`),
    );
    expect(missing).toEqual([]);
  });

  test('counts agree with their noun in both languages', () => {
    expect(msg('recovery.used', { remaining: 1 }, 'en')).toContain('You have 1 recovery code left.');
    expect(msg('recovery.used', { remaining: 2 }, 'en')).toContain('You have 2 recovery codes left.');
    expect(msg('recovery.used', { remaining: 1 }, 'nl')).toContain('Je hebt nog 1 herstelcode over.');
    expect(msg('recovery.used', { remaining: 2 }, 'nl')).toContain('Je hebt nog 2 herstelcodes over.');
    expect(msg('login.locked', { minutes: 1 }, 'en')).toBe('Too many failed attempts. Try again in 1 minute.');
    expect(msg('login.locked', { minutes: 5 }, 'en')).toBe('Too many failed attempts. Try again in 5 minutes.');
    expect(msg('login.locked', { minutes: 1 }, 'nl')).toBe('Te veel mislukte pogingen. Probeer het over 1 minuut opnieuw.');
    expect(msg('login.locked', { minutes: 5 }, 'nl')).toBe('Te veel mislukte pogingen. Probeer het over 5 minuten opnieuw.');
  });

  test('moments in Dutch time and calendar days, as each language writes them', () => {
    // 00:30 UTC on 30 March 2025 is 01:30 in Amsterdam, whatever zone the server runs in.
    const at = new Date(Date.UTC(2025, 2, 30, 0, 30));
    expect(msg('account.factors.app_item', { date: at }, 'nl')).toBe('Authenticatie-app, toegevoegd op 30 maart 2025 om 01:30');
    expect(msg('account.factors.app_item', { date: at }, 'en')).toBe('Authentication app, added on 30 March 2025 at 01:30');
    expect(msg('admin.account.end_date', { date: new Date('2026-12-31T12:00:00Z') }, 'en')).toBe('End date: 31 December 2026 (up to and including)');
  });

  test('a message with parts known at run time becomes a pattern that matches what the page shows', () => {
    const pattern = msgPattern('account.factors.passkey_item', { name: 'Work laptop' }, 'en');
    expect(msg('account.factors.passkey_item', { name: 'Work laptop', kind: 'synced passkey', date: new Date() }, 'en')).toMatch(pattern);
    expect('Phone (synced passkey), added on 1 May 2025 at 10:00').not.toMatch(pattern);
    expect(msg('recovery.used', { remaining: 1 })).toMatch(msgPattern('recovery.used'));
    expect(msg('recovery.used', { remaining: 7 })).toMatch(msgPattern('recovery.used'));
  });
});
