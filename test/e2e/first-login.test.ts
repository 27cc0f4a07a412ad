import type { Browser, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { finishSignIn, resetLink, startSignIn, totpCode } from '../support/journey.ts';
import { DESKTOP, PHONE, expectFocusOn, interceptApplication, screenshot, withIdpAndBrowser } from './browser.ts';
import type { MessageKey, MessageParams } from '../../src/i18n/index.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'correct horse battery staple 42';

/** What the user reads and clicks, in the guide's words. */

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => {
  idp = i;
  browser = b;
});

/**
 * A message the guide closes with OK: a plain page whose OK has focus. (The
 * "activated" page also shows the recovery codes: focus starts at its heading,
 * so that a screen reader reads the codes before OK.)
 */
async function closeMessage(page: Page, text: string, shot: string, options = { okFocused: true }): Promise<void> {
  const message = page.getByRole('main');
  await message.getByText(text).waitFor();
  if (options.okFocused) await expectFocusOn(page, msg('common.ok'));
  else await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 5000 });
  await screenshot(page, shot);
  await message.getByRole('link', { name: msg('common.ok'), exact: true }).click();
}

/** The CBS guide's first login, by what a user sees: from the application's redirect to its ID token. */
describe.each([
  ['nl', 'phone', PHONE],
  ['nl', 'desktop', DESKTOP],
  ['en', 'phone', PHONE],
  ['en', 'desktop', DESKTOP],
] as const)('first login in a browser, %s on a %s', (locale, device, viewport) => {
  const t = (key: MessageKey, params?: MessageParams) => msg(key, params, locale);
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
    await page.getByRole('heading', { level: 1, name: t('login.title') }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    await screenshot(page, shot('login'));
    await page.getByRole('link', { name: t('login.request_password') }).click();

    // Step 1: request password; the neutral message, closed with OK.
    await page.getByText(t('common.step', { n: 1, title: t('step.1') })).waitFor();
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByRole('button', { name: t('request.submit'), exact: true }).click();
    await closeMessage(page, t('request.sent'), shot('request-sent'));
    await page.getByRole('heading', { level: 1, name: t('login.title') }).waitFor();

    // Step 2: the mail's link, the criteria marked as the user types, show/hide, Update.
    const mail = await idp.smtp.next(email);
    expect(mail.subject).toBe(t('mail.reset.subject'));
    await page.goto(resetLink(mail.text ?? '', idp.issuer));
    await page.getByText(t('common.step', { n: 2, title: t('step.2') })).waitFor();
    const password = page.getByLabel(t('login.password'), { exact: true });
    const length = page.locator('[data-criterion="length"]');
    await password.pressSequentially('short😀');
    expect(await length.getAttribute('class')).toBe('is-unmet');
    expect(await length.locator('.criteria__state').textContent()).toBe(t('set.state.unmet'));
    await password.fill('😀'.repeat(12)); // 12 code points, 24 UTF-16 units: long enough
    expect(await length.getAttribute('class')).toBe('is-met');
    await password.fill(PASSWORD);
    expect(await length.locator('.criteria__state').textContent()).toBe(t('set.state.met'));
    await page.getByLabel(t('set.confirm')).fill(PASSWORD);
    expect(await page.locator('[data-criterion="match"]').getAttribute('class')).toBe('is-met');
    await page.getByLabel(t('set.show')).check();
    expect(await password.getAttribute('type')).toBe('text');
    await screenshot(page, shot('set-password'), { docs: locale === 'nl' && device === 'phone' ? 'phone-set-password' : undefined });
    await page.getByLabel(t('set.show')).uncheck();
    expect(await password.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: t('set.submit'), exact: true }).click();
    await closeMessage(page, t('set.done'), shot('password-set'));

    // Step 3: back at the sign-in this browser started; log in, 2FA is required.
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByText(t('common.step', { n: 3, title: t('step.3') })).waitFor();
    await closeMessage(page, t('mfa.required'), shot('2fa-required'));
    await page
      .getByRole('region', { name: t('mfa.option2.title') })
      .getByRole('link', { name: t('mfa.activate'), exact: true })
      .click();

    // The authenticator app: QR code, key in groups of four with a copy button, code, Activate.
    await page.getByRole('img', { name: /QR/ }).waitFor();
    const key = (await page.locator('#totp-key').textContent())!;
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    await page.getByRole('button', { name: t('totp.copy') }).click();
    await page.getByRole('status').getByText(t('totp.copied')).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replace(/ /g, ''));
    await screenshot(page, shot('totp-enrol'));
    await page.getByLabel(t('totp.code')).fill(await totpCode(key.replace(/ /g, '')));
    await page.getByRole('button', { name: t('mfa.activate'), exact: true }).click();
    await closeMessage(page, t('totp.activated'), shot('activated'), { okFocused: false });

    // Back at the application with a code; the application gets its ID token.
    await page.getByRole('heading', { name: 'Back at the application' }).waitFor();
    const tokens = await finishSignIn(signIn, app.callbackUrl()!);
    expect(tokens.claims()).toMatchObject({ email, locale, amr: ['pwd', 'otp', 'mfa'] });
    await context.close();
  }, 45_000);
});
