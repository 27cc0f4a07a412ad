import type { Browser, Locator, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { resetLink, startSignIn, totpCode } from '../support/journey.ts';
import { msg } from '../support/messages.ts';
import { DESKTOP, focusProblems, interceptApplication, targetSizeProblems, withIdpAndBrowser } from './browser.ts';

const PASSWORD = 'correct horse battery staple 42';

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => {
  idp = i;
  browser = b;
});

/**
 * WCAG 3.3.8 (accessible authentication): nothing to remember or transcribe
 * that a password manager or the clipboard cannot do. Every password and code
 * field takes a paste from the keyboard (no paste blocking) and says what it
 * holds (autocomplete), so that a password manager fills it.
 */
async function pasteInto(page: Page, field: Locator, autocomplete: string, value: string): Promise<void> {
  expect({ field: await field.getAttribute('name'), autocomplete: await field.getAttribute('autocomplete') }).toEqual({
    field: await field.getAttribute('name'),
    autocomplete,
  });
  await page.evaluate((text) => navigator.clipboard.writeText(text), value);
  await field.fill('');
  await field.focus();
  await page.keyboard.press('ControlOrMeta+V');
  expect(await field.inputValue()).toBe(value);
}

/** The username a password manager saves a new password under (WCAG 3.3.7: not asked again): the account's address. */
async function expectUsernameFor(page: Page, email: string): Promise<void> {
  const username = page.locator('form input[autocomplete="username"]');
  expect(await username.count()).toBe(1);
  expect(await username.inputValue()).toBe(email);
}

test('every password and code field takes a paste and names its autocomplete; the set-password page carries the username', async () => {
  const email = 'paste@example.org';
  await idp.createAccount(email, 'Anna van den Berg', 'nl');
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'nl-NL' });
  context.setDefaultTimeout(10_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: idp.issuer });
  await interceptApplication(context);
  const page = await context.newPage();
  const label = (key: Parameters<typeof msg>[0]) => page.getByLabel(msg(key), { exact: true });
  const ok = () => page.getByRole('link', { name: msg('common.ok'), exact: true }).click();

  // Log in, and request password.
  await page.goto((await startSignIn(idp, { ui_locales: 'nl' })).url);
  await pasteInto(page, label('login.username'), 'username', email);
  await pasteInto(page, label('login.password'), 'current-password', 'a pasted password');
  await page.getByRole('link', { name: msg('login.request_password') }).click();
  await pasteInto(page, label('login.username'), 'username', email);
  await page.getByRole('button', { name: msg('request.submit'), exact: true }).click();
  await ok();

  // The mailed link: the username is on the form for the password manager; both fields take a paste.
  await page.goto(resetLink((await idp.smtp.next(email)).text ?? '', idp.issuer));
  await expectUsernameFor(page, email);
  await pasteInto(page, label('set.password'), 'new-password', PASSWORD);
  await pasteInto(page, label('set.confirm'), 'new-password', PASSWORD);
  await page.getByRole('button', { name: msg('set.submit'), exact: true }).click();
  await ok();

  // Log in with pasted values; enrol an authenticator app with a pasted code.
  await pasteInto(page, label('login.username'), 'username', email);
  await pasteInto(page, label('login.password'), 'current-password', PASSWORD);
  await page.getByRole('button', { name: msg('login.submit'), exact: true }).click();
  await ok();
  await page
    .getByRole('region', { name: msg('mfa.option2.title') })
    .getByRole('link', { name: msg('mfa.activate'), exact: true })
    .click();
  const secret = (await page.locator('#totp-key').textContent())!.replace(/ /g, '');
  await pasteInto(page, label('totp.code'), 'one-time-code', await totpCode(secret));
  await page.getByRole('button', { name: msg('mfa.activate'), exact: true }).click();
  const codes = await page.locator('.recovery-codes li').allTextContents();
  expect(codes).toHaveLength(10);
  await ok();
  await page.getByRole('heading', { name: 'Back at the application' }).waitFor();

  // A later sign-in: the code page and the recovery-code page each take a paste.
  await context.clearCookies();
  await page.goto((await startSignIn(idp, { ui_locales: 'nl' })).url);
  await pasteInto(page, label('login.username'), 'username', email);
  await pasteInto(page, label('login.password'), 'current-password', PASSWORD);
  await page.getByRole('button', { name: msg('login.submit'), exact: true }).click();
  await pasteInto(page, label('totp.code'), 'one-time-code', '123456');
  await page.getByRole('link', { name: msg('mfa.use_recovery') }).click();
  await pasteInto(page, label('recovery.code'), 'one-time-code', codes[0]!.trim());
  await page.getByRole('button', { name: msg('recovery.submit'), exact: true }).click();
  await ok();
  await page.getByRole('heading', { name: 'Back at the application' }).waitFor();

  // My account: "confirm it's you" by code or recovery code, then the change-password form.
  await page.goto(`${idp.issuer}/account`);
  await page.locator('summary').click();
  await pasteInto(page, label('recovery.code'), 'one-time-code', codes[1]!.trim());
  await pasteInto(page, label('totp.code'), 'one-time-code', await totpCode(secret, 1));
  await page
    .getByRole('button', { name: msg('account.reauth.submit'), exact: true })
    .first()
    .click();
  await page.getByRole('link', { name: msg('account.password.title') }).click();
  await expectUsernameFor(page, email);
  await pasteInto(page, label('account.password.current'), 'current-password', PASSWORD);
  await pasteInto(page, label('account.password.new'), 'new-password', 'another fine passphrase 2');
  await pasteInto(page, label('account.password.confirm'), 'new-password', 'another fine passphrase 2');
  await context.close();
}, 60_000);

/** The measured checks every screen passes (test/e2e/screens.test.ts) fail on a page that breaks their rule. */
test('the target-size and focus checks catch small, crowded targets and focus under a fixed bar', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await page.setContent(`<!doctype html><html lang="en"><body style="margin:0">
    <div style="position:fixed;inset:0 0 auto 0;height:120px;background:#fff"></div>
    <button id="covered" style="margin-top:20px;height:40px">Covered</button>
    <p style="margin-top:200px"><button id="a" style="width:16px;height:16px;padding:0">a</button><button id="b" style="width:16px;height:16px;padding:0">b</button></p>
    <p><button id="alone" style="width:16px;height:16px;padding:0">c</button></p>
    <p>Read the <a href="#x">terms</a> first.</p>
  </body></html>`);
  expect((await targetSizeProblems(page)).map((p) => p.split(' ')[0])).toEqual(['button#a', 'button#b']);
  const focus = await focusProblems(page);
  expect(focus.problems).toEqual([expect.stringMatching(/^button#covered "Covered" has focus but is covered by div/)]);
  expect(focus.stops).toBe(5);
  await page.close();
});
