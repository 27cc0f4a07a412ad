import { Browser, linkTo } from '../support/browser.ts';
import { startTestIdp, type TestIdp } from '../support/test-idp.ts';
import { signInUntil, text } from '../support/journey.ts';
import { msg } from '../support/messages.ts';

/** The accessibility statement a Dutch government service publishes: /toegankelijkheid in Dutch, /accessibility in English. */
describe('accessibility statement', () => {
  let idp: TestIdp;
  beforeAll(async () => { idp = await startTestIdp('sqlite', { ACCESSIBILITY_CONTACT: 'toegankelijkheid@example.org' }); });
  afterAll(() => idp.close());

  test.each([['nl', '/toegankelijkheid'], ['en', '/accessibility']] as const)('in %s at %s: status, what was tested, limitations, how to report, its date', async (locale, path) => {
    const page = await new Browser(idp.issuer).get(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<html lang="${locale}">`);
    const t = (key: Parameters<typeof msg>[0], params?: Parameters<typeof msg>[1]) => msg(key, params, locale);
    for (const key of ['a11y.title', 'a11y.status.value', 'a11y.tested.axe', 'a11y.tested.keyboard', 'a11y.tested.phone', 'a11y.limits.title', 'a11y.report.title'] as const) {
      expect(text(page)).toContain(t(key));
    }
    expect(text(page)).toContain(t('a11y.intro', { issuer: idp.issuer }));
    expect(text(page)).toContain(t('a11y.limits.time', { signInMinutes: 15, minutes: 60 }));
    expect(text(page)).toContain(t('a11y.date', { date: new Date('2026-12-04T12:00:00Z') }));
    // The operator's contact address (ACCESSIBILITY_CONTACT), as a mail link.
    expect(page.html).toContain('href="mailto:toegankelijkheid@example.org"');
  });

  test('each address speaks its own language unless the user chose one, and the language switch works there', async () => {
    const browser = new Browser(idp.issuer);
    const english = await browser.get('/accessibility');
    expect(text(english)).toContain(msg('a11y.title', undefined, 'en'));
    const dutch = await browser.get(new URL(linkTo(english, msg('lang.name')), english.url).toString());
    expect(text(dutch)).toContain(msg('a11y.title'));
    // Chosen once, the language stays, at either address.
    expect(text(await browser.get('/accessibility'))).toContain(msg('a11y.title'));
  });

  test('every page links to it from the footer, in the page\'s language', async () => {
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
