import type { Browser, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { finishSignIn, resetLink, startSignIn, totpCode } from '../support/journey.ts';
import { DESKTOP, PHONE, expectFocusOn, interceptApplication, screenshot, withIdpAndBrowser } from './browser.ts';

const PASSWORD = 'correct horse battery staple 42';

/** What the user reads and clicks, in the guide's words. */
const WORDS = {
  nl: {
    login: 'Inloggen', username: 'Gebruikersnaam', password: 'Wachtwoord', requestPassword: 'Wachtwoord opvragen', request: 'Aanvragen',
    confirm: 'Bevestig wachtwoord', show: 'Wachtwoord tonen', update: 'Aanpassen', activate: 'Activeren', code: 'Verificatiecode', option2: 'Optie 2 – Inloggen met verificatiecode', copy: 'Sleutel kopiëren',
    step1: 'Stap 1 van 3: wachtwoord aanvragen', step2: 'Stap 2 van 3: wachtwoord instellen', step3: 'Stap 3 van 3: twee-factorauthenticatie instellen',
    sent: 'binnen enkele minuten een e-mail', set: 'opnieuw inloggen', required: 'twee-factorauthenticatie verplicht', activated: 'succesvol geactiveerd',
    met: 'voldaan', unmet: 'nog niet voldaan', copied: 'De sleutel is gekopieerd.', subject: 'Wachtwoord wijzigen',
  },
  en: {
    login: 'Log in', username: 'Username', password: 'Password', requestPassword: 'Request password', request: 'Request',
    confirm: 'Confirm password', show: 'Show password', update: 'Update', activate: 'Activate', code: 'Verification code', option2: 'Option 2 – Login with verification code', copy: 'Copy key',
    step1: 'Step 1 of 3: request password', step2: 'Step 2 of 3: set password', step3: 'Step 3 of 3: set up two-factor authentication',
    sent: 'within a few minutes', set: 'log in again', required: 'Two-factor authentication is required', activated: 'successfully activated',
    met: 'met', unmet: 'not met yet', copied: 'The key has been copied.', subject: 'Change password',
  },
};

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => { idp = i; browser = b; });

/**
 * A message the guide closes with OK: a plain page whose OK has focus. (The
 * "activated" page also shows the recovery codes: focus starts at its heading,
 * so that a screen reader reads the codes before OK.)
 */
async function closeMessage(page: Page, text: string, shot: string, options = { okFocused: true }): Promise<void> {
  const message = page.getByRole('main');
  await message.getByText(text).waitFor();
  if (options.okFocused) await expectFocusOn(page, 'OK');
  else await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 5000 });
  await screenshot(page, shot);
  await message.getByRole('link', { name: 'OK', exact: true }).click();
}

/** The CBS guide's first login, by what a user sees: from the application's redirect to its ID token. */
describe.each([
  ['nl', 'phone', PHONE],
  ['nl', 'desktop', DESKTOP],
  ['en', 'phone', PHONE],
  ['en', 'desktop', DESKTOP],
] as const)('first login in a browser, %s on a %s', (locale, device, viewport) => {
  const w = WORDS[locale];
  const shot = (name: string) => `journey-${locale}-${device}-${name}`;

  test('request password, set it, enrol an authenticator app, back at the application with an ID token', async () => {
    const email = `browser-${locale}-${device}@example.org`;
    await idp.createAccount(email, 'Anna van den Berg', locale);
    const context = await browser.newContext({ viewport, locale: locale === 'nl' ? 'nl-NL' : 'en-GB' });
    context.setDefaultTimeout(10_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: idp.issuer });
    const app = await interceptApplication(context);
    const page = await context.newPage();
    const signIn = await startSignIn(idp, { ui_locales: locale });

    // Log in: no password yet, so "Request password".
    await page.goto(signIn.url);
    await page.getByRole('heading', { level: 1, name: w.login }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    await screenshot(page, shot('login'));
    await page.getByRole('link', { name: w.requestPassword }).click();

    // Step 1: request password; the neutral message, closed with OK.
    await page.getByText(w.step1).waitFor();
    await page.getByLabel(w.username).fill(email);
    await page.getByRole('button', { name: w.request, exact: true }).click();
    await closeMessage(page, w.sent, shot('request-sent'));
    await page.getByRole('heading', { level: 1, name: w.login }).waitFor();

    // Step 2: the mail's link, the criteria marked as the user types, show/hide, Update.
    const mail = await idp.smtp.next(email);
    expect(mail.subject).toBe(w.subject);
    await page.goto(resetLink(mail.text ?? '', idp.issuer));
    await page.getByText(w.step2).waitFor();
    const password = page.getByLabel(w.password, { exact: true });
    const length = page.locator('[data-criterion="length"]');
    await password.pressSequentially('short😀');
    expect(await length.getAttribute('class')).toBe('is-unmet');
    expect(await length.locator('.criteria__state').textContent()).toBe(w.unmet);
    await password.fill('😀'.repeat(12)); // 12 code points, 24 UTF-16 units: long enough
    expect(await length.getAttribute('class')).toBe('is-met');
    await password.fill(PASSWORD);
    expect(await length.locator('.criteria__state').textContent()).toBe(w.met);
    await page.getByLabel(w.confirm).fill(PASSWORD);
    expect(await page.locator('[data-criterion="match"]').getAttribute('class')).toBe('is-met');
    await page.getByLabel(w.show).check();
    expect(await password.getAttribute('type')).toBe('text');
    await screenshot(page, shot('set-password'), { docs: locale === 'nl' && device === 'phone' ? 'phone-set-password' : undefined });
    await page.getByLabel(w.show).uncheck();
    expect(await password.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: w.update, exact: true }).click();
    await closeMessage(page, w.set, shot('password-set'));

    // Step 3: back at the sign-in this browser started; log in, 2FA is required.
    await page.getByLabel(w.username).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: w.login, exact: true }).click();
    await page.getByText(w.step3).waitFor();
    await closeMessage(page, w.required, shot('2fa-required'));
    await page.getByRole('region', { name: w.option2 }).getByRole('link', { name: w.activate, exact: true }).click();

    // The authenticator app: QR code, key in groups of four with a copy button, code, Activate.
    await page.getByRole('img', { name: /QR/ }).waitFor();
    const key = (await page.locator('#totp-key').textContent())!;
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    await page.getByRole('button', { name: w.copy }).click();
    await page.getByRole('status').getByText(w.copied).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replace(/ /g, ''));
    await screenshot(page, shot('totp-enrol'));
    await page.getByLabel(w.code).fill(await totpCode(key.replace(/ /g, '')));
    await page.getByRole('button', { name: w.activate, exact: true }).click();
    await closeMessage(page, w.activated, shot('activated'), { okFocused: false });

    // Back at the application with a code; the application gets its ID token.
    await page.getByRole('heading', { name: 'Back at the application' }).waitFor();
    const tokens = await finishSignIn(signIn, app.callbackUrl()!);
    expect(tokens.claims()).toMatchObject({ email, locale, amr: ['pwd', 'otp', 'mfa'] });
    await context.close();
  }, 45_000);
});
