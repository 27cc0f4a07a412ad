import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../support/test-idp.ts';
import { resetLink, startSignIn, totpCode } from '../support/journey.ts';
import { DESKTOP, axeViolations, interceptApplication, launch, screenshot } from './browser.ts';

const PASSWORD = 'correct horse battery staple 42';

/** The README's screenshots (`npm run screenshots`): the main screens, in Dutch, on a desktop. */
const DOCS = new Set(['login', 'request-sent', 'set-password', 'password-set', 'choose-method', 'totp-enrol', 'activated', 'totp-verify', 'error']);

const WORDS = {
  nl: { login: 'Inloggen', username: 'Gebruikersnaam', password: 'Wachtwoord', requestPassword: 'Wachtwoord opvragen', request: 'Aanvragen', confirm: 'Bevestig wachtwoord', update: 'Aanpassen', activate: 'Activeren', option1: /^Optie 1/, option2: /^Optie 2/, code: 'Verificatiecode', verify: 'Verifiëren', recovery: 'Herstelcode gebruiken', allow: 'Toestaan', logout: 'Uitloggen' },
  en: { login: 'Log in', username: 'Username', password: 'Password', requestPassword: 'Request password', request: 'Request', confirm: 'Confirm password', update: 'Update', activate: 'Activate', option1: /^Option 1/, option2: /^Option 2/, code: 'Verification code', verify: 'Verify', recovery: 'Use a recovery code', allow: 'Allow', logout: 'Log out' },
};

let idp: TestIdp;
let browser: Browser;
beforeAll(async () => {
  [idp, browser] = await Promise.all([startTestIdp('sqlite'), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

/** Every screen of the first login and of a later sign-in, scanned by axe-core and photographed, in both languages. */
describe.each(['nl', 'en'] as const)('every screen in %s', (locale) => {
  const w = WORDS[locale];
  const contexts: BrowserContext[] = [];
  afterAll(() => Promise.all(contexts.map((c) => c.close())));

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    await interceptApplication(context);
    const page = await context.newPage();
    await page.goto(`${idp.issuer}/?lang=${locale}`); // the language cookie, as the switch sets it
    return page;
  }

  /** Zero axe-core violations on this screen (reported with its name), and its screenshot. */
  async function check(page: Page, screen: string): Promise<void> {
    await page.waitForLoadState('load');
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect({ screen, violations: await axeViolations(page) }).toEqual({ screen, violations: [] });
    await screenshot(page, `${locale}-${screen}`, { docs: locale === 'nl' && DOCS.has(screen) ? screen : undefined });
  }

  const ok = (page: Page) => page.getByRole('link', { name: 'OK', exact: true }).click();

  test('first login, a later sign-in with consent, errors, home and logout: zero axe-core violations', async () => {
    const email = `screens-${locale}@example.org`;
    await idp.createAccount(email, 'Anna van den Berg', locale);
    const page = await newPage();
    await check(page, 'home');
    await page.goto(`${idp.issuer}/no-such-page`);
    await check(page, 'error');
    await page.goto(`${idp.issuer}/password/set?token=expired`);
    await check(page, 'link-expired');

    // Log in, with the errors a user can make.
    await page.goto((await startSignIn(idp, { ui_locales: locale })).url);
    await check(page, 'login');
    await page.getByRole('button', { name: w.login, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'login-errors');
    await page.getByLabel(w.username).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill('not the password');
    await page.getByRole('button', { name: w.login, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'login-invalid');

    // Step 1: request password.
    await page.getByRole('link', { name: w.requestPassword }).click();
    await check(page, 'request-password');
    await page.getByLabel(w.username).fill('not an address');
    await page.getByRole('button', { name: w.request, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'request-password-errors');
    await page.getByLabel(w.username).fill(email);
    await page.getByRole('button', { name: w.request, exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await check(page, 'request-sent');
    await ok(page);

    // Step 2: set password, criteria marked as the user types, then the server's errors.
    await page.goto(resetLink((await idp.smtp.next(email)).text ?? '', idp.issuer));
    await page.getByLabel(w.password, { exact: true }).fill('short');
    await page.getByLabel(w.confirm).fill('short');
    await check(page, 'set-password');
    await page.getByLabel(w.confirm).fill('different');
    await page.getByRole('button', { name: w.update, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'set-password-errors');
    await page.getByLabel(w.password, { exact: true }).fill(PASSWORD);
    await page.getByLabel(w.confirm).fill(PASSWORD);
    await page.getByRole('button', { name: w.update, exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await check(page, 'password-set');
    await ok(page);

    // Step 3: log in, 2FA required, the choice, both methods' pages, a wrong code, activated.
    await page.getByLabel(w.username).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: w.login, exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await check(page, '2fa-required');
    await ok(page);
    await check(page, 'choose-method');
    await page.getByRole('region', { name: w.option1 }).getByRole('link', { name: w.activate, exact: true }).click();
    await check(page, 'passkey-enrol');
    await page.goBack();
    await page.getByRole('region', { name: w.option2 }).getByRole('link', { name: w.activate, exact: true }).click();
    await check(page, 'totp-enrol');
    const secret = (await page.locator('#totp-key').textContent())!.replace(/ /g, '');
    await page.getByLabel(w.code).fill('000000');
    await page.getByRole('button', { name: w.activate, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'totp-enrol-errors');
    await page.getByLabel(w.code).fill(await totpCode(secret));
    await page.getByRole('button', { name: w.activate, exact: true }).click();
    await page.getByRole('link', { name: 'OK', exact: true }).waitFor();
    await check(page, 'activated');
    await ok(page);

    // Logout at the provider, while this browser has a session.
    const metadata = (await idp.client()).serverMetadata();
    await page.goto(metadata.end_session_endpoint!);
    await check(page, 'logout');
    await page.getByRole('button', { name: w.logout, exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await check(page, 'logged-out');

    // A later sign-in at a third-party application: the code, a wrong one first, then consent.
    const later = await newPage();
    await later.goto((await startSignIn(idp, { ui_locales: locale }, 'other-app')).url);
    await later.getByLabel(w.username).fill(email);
    await later.getByLabel(w.password, { exact: true }).fill(PASSWORD);
    await later.getByRole('button', { name: w.login, exact: true }).click();
    await later.getByLabel(w.code).waitFor();
    await check(later, 'totp-verify');
    await later.getByRole('link', { name: w.recovery }).click();
    await check(later, 'recovery-verify');
    await later.goBack();
    await later.getByLabel(w.code).fill('000000');
    await later.getByRole('button', { name: w.verify, exact: true }).click();
    await later.getByRole('alert').waitFor();
    await check(later, 'totp-verify-errors');
    await later.getByLabel(w.code).fill(await totpCode(secret, 1));
    await later.getByRole('button', { name: w.verify, exact: true }).click();
    await later.getByRole('button', { name: w.allow, exact: true }).waitFor();
    await check(later, 'consent');
  }, 90_000); // some 25 screens, each scanned and photographed
});
