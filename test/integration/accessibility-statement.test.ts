import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { signInUntil, text } from '../support/journey.ts';
import { msg } from '../support/messages.ts';

/** The accessibility statement a Dutch government service publishes: /toegankelijkheid in Dutch, /accessibility in English. */
describe('accessibility statement', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ env: { ACCESSIBILITY_CONTACT: 'toegankelijkheid@example.org' } });
  });
  afterAll(() => idp.close());

  test.each([
    ['nl', '/toegankelijkheid'],
    ['en', '/accessibility'],
  ] as const)('in %s at %s: status, what was tested, limitations, how to report, its date', async (locale, path) => {
    const page = await new Browser(idp.issuer).get(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<html lang="${locale}">`);
    const t = (key: Parameters<typeof msg>[0], params?: Parameters<typeof msg>[1]) => msg(key, params, locale);
    for (const key of [
      'accessibility.title',
      'accessibility.status.value',
      'accessibility.tested.axe',
      'accessibility.tested.keyboard',
      'accessibility.tested.phone',
      'accessibility.limits.title',
      'accessibility.report.title',
    ] as const) {
      expect(text(page)).toContain(t(key));
    }
    expect(text(page)).toContain(t('accessibility.intro', { issuer: idp.issuer }));
    expect(text(page)).toContain(t('accessibility.limits.time', { signInMinutes: 15, minutes: 60 }));
    expect(text(page)).toContain(t('accessibility.date', { date: new Date('2026-12-04T12:00:00Z') }));
    // The operator's contact address (ACCESSIBILITY_CONTACT), as a mail link.
    expect(page.html).toContain('href="mailto:toegankelijkheid@example.org"');
  });

  test('each address speaks its own language unless the user chose one, and the language switch works there', async () => {
    const browser = new Browser(idp.issuer);
    const english = await browser.get('/accessibility');
    expect(text(english)).toContain(msg('accessibility.title', undefined, 'en'));
    const dutch = await browser.get(new URL(linkTo(english, msg('lang.name')), english.url).toString());
    expect(text(dutch)).toContain(msg('accessibility.title'));
    // Chosen once, the language stays, at either address.
    expect(text(await browser.get('/accessibility'))).toContain(msg('accessibility.title'));
  });

  test("every page links to it from the footer, in the page's language", async () => {
    const browser = new Browser(idp.issuer);
    const { page: login } = await signInUntil(idp, browser, 'login-form');
    expect(linkTo(login, msg('common.accessibility'))).toBe('/toegankelijkheid');
    const english = await browser.get('/?lang=en');
    expect(linkTo(english, msg('common.accessibility', undefined, 'en'))).toBe('/accessibility');
    const missing = await browser.get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(linkTo(missing, msg('common.accessibility', undefined, 'en'))).toBe('/accessibility');
  });
});
