import type { Browser, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { resetLink, startSignIn, totpCode } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import { axeViolations, focusProblems, pagesIn, screenshot, targetSizeProblems, withIdpAndBrowser } from './browser.ts';
import type { MessageKey, MessageParams } from '../../src/i18n/index.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'correct horse battery staple 42';

/** The README's screenshots (`npm run screenshots`): the main screens, in Dutch, on a desktop. */
const DOCS = new Set([
  'login',
  'request-sent',
  'set-password',
  'password-set',
  'choose-method',
  'totp-enrol',
  'activated',
  'totp-verify',
  'error',
  'passkey-enrol',
  'account-confirmed',
]);

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => {
  idp = i;
  browser = b;
});

/** Every screen of the first login and of a later sign-in, scanned by axe-core and photographed, in both languages. */
describe.each(['nl', 'en'] as const)('every screen in %s', (locale) => {
  const t = (key: MessageKey, params?: MessageParams) => msg(key, params, locale);
  const newPage = pagesIn(locale, () => ({ idp, browser }));

  /** Zero axe-core violations on this screen (reported with its name), and its screenshot. */
  async function check(page: Page, screen: string, skip: string[] = []): Promise<void> {
    await page.waitForLoadState('load');
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect({ screen, violations: await axeViolations(page, skip) }).toEqual({ screen, violations: [] });
    await screenshot(page, `${locale}-${screen}`, { docs: locale === 'nl' && DOCS.has(screen) ? screen : undefined });
    expect({ screen, smallTargets: await targetSizeProblems(page) }).toEqual({ screen, smallTargets: [] });
    const focus = await focusProblems(page);
    expect({ screen, focus: focus.problems }).toEqual({ screen, focus: [] });
    expect(focus.stops).toBeGreaterThan(0);
  }

  const ok = (page: Page) => page.getByRole('link', { name: t('common.ok'), exact: true }).click();

  /** "Confirm it's you" with a wrong code (that page, with its error, scanned as `<screen>-confirm-errors`), then the next time step's code. */
  async function confirmWithCode(page: Page, secret: string, screen: string): Promise<void> {
    await page.getByLabel(t('totp.code')).fill('000000');
    await page.getByRole('button', { name: t('account.reauth.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, `${screen}-confirm-errors`);
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret, 1));
    await page.getByRole('button', { name: t('account.reauth.submit'), exact: true }).click();
  }

  test('first login, a later sign-in with consent, errors, home and logout: zero axe-core violations', async () => {
    const email = `screens-${locale}@example.org`;
    await idp.createAccount(email, 'Anna van den Berg', locale);
    const page = await newPage();
    await check(page, 'home');
    // The accessibility statement, from the footer of every page, at its address in this language.
    await page
      .getByRole('contentinfo')
      .getByRole('link', { name: t('common.accessibility'), exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: t('accessibility.title') }).waitFor();
    expect(new URL(page.url()).pathname).toBe(locale === 'nl' ? '/toegankelijkheid' : '/accessibility');
    await check(page, 'accessibility');
    await page.goto(`${idp.issuer}/no-such-page`);
    await check(page, 'error');
    await page.goto(`${idp.issuer}/password/set?token=expired`);
    await check(page, 'link-expired');

    // Log in, with the errors a user can make.
    await page.goto((await startSignIn(idp, { ui_locales: locale })).url);
    await check(page, 'login');
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'login-errors');
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByLabel(t('login.password'), { exact: true }).fill('not the password');
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'login-invalid');

    // Step 1: request password.
    await page.getByRole('link', { name: t('login.request_password') }).click();
    await check(page, 'request-password');
    await page.getByLabel(t('login.username')).fill('not an address');
    await page.getByRole('button', { name: t('request.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'request-password-errors');
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByRole('button', { name: t('request.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'request-sent');
    await ok(page);

    // Step 2: set password, criteria marked as the user types, then the server's errors.
    await page.goto(resetLink((await idp.smtp.next(email)).text ?? '', idp.issuer));
    await page.getByLabel(t('login.password'), { exact: true }).fill('short');
    await page.getByLabel(t('set.confirm')).fill('short');
    await check(page, 'set-password');
    await page.getByLabel(t('set.confirm')).fill('different');
    await page.getByRole('button', { name: t('set.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'set-password-errors');
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByLabel(t('set.confirm')).fill(PASSWORD);
    await page.getByRole('button', { name: t('set.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'password-set');
    await ok(page);

    // Step 3: log in, 2FA required, the choice, both methods' pages, a wrong code, activated.
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, '2fa-required');
    await ok(page);
    await check(page, 'choose-method');
    await page
      .getByRole('region', { name: t('mfa.option1.title') })
      .getByRole('link', { name: t('mfa.activate'), exact: true })
      .click();
    await check(page, 'passkey-enrol');
    await page.goBack();
    await page
      .getByRole('region', { name: t('mfa.option2.title') })
      .getByRole('link', { name: t('mfa.activate'), exact: true })
      .click();
    await check(page, 'totp-enrol');
    const secret = (await page.locator('#totp-key').textContent())!.replace(/ /g, '');
    await page.getByLabel(t('totp.code')).fill('000000');
    await page.getByRole('button', { name: t('mfa.activate'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'totp-enrol-errors');
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret));
    await page.getByRole('button', { name: t('mfa.activate'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'activated');
    await ok(page);

    // Logout at the provider, while this browser has a session.
    const metadata = (await idp.client()).serverMetadata();
    await page.goto(metadata.end_session_endpoint!);
    await check(page, 'logout');
    await page.getByRole('button', { name: t('logout.yes'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'logged-out');

    // A later sign-in at a third-party application: the code, a wrong one first, then consent.
    const later = await newPage();
    await later.goto((await startSignIn(idp, { ui_locales: locale }, 'other-app')).url);
    await later.getByLabel(t('login.username')).fill(email);
    await later.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await later.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await later.getByLabel(t('totp.code')).waitFor();
    await check(later, 'totp-verify');
    await later.getByRole('link', { name: t('mfa.use_recovery') }).click();
    await check(later, 'recovery-verify');
    await later.goBack();
    await later.getByLabel(t('totp.code')).fill('000000');
    await later.getByRole('button', { name: t('verify.submit'), exact: true }).click();
    await later.getByRole('alert').waitFor();
    await check(later, 'totp-verify-errors');
    await later.getByLabel(t('totp.code')).fill(await totpCode(secret, 1));
    await later.getByRole('button', { name: t('verify.submit'), exact: true }).click();
    await later.getByRole('button', { name: t('consent.allow'), exact: true }).waitFor();
    await check(later, 'consent');
  }, 180_000); // some 25 screens, each scanned, photographed, measured and tabbed through

  test('My account, before and after "confirm it\'s you", each change, the notification mail: zero axe-core violations', async () => {
    const email = `screens-account-${locale}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true, locale });
    // A passkey on record (never used here): the sign-in offers it first, and My account lists it.
    await updateAccount(idp.app.services.accounts, id, (a) => {
      a.passkeys.push({ id: 'c2NyZWVucy1wYXNza2V5', publicKey: 'AA', counter: 0, kind: 'hwk', name: 'Passkey', createdAt: 1_760_000_000 });
      a.recentSignIns = [{ at: 1_760_000_000, method: 'pwd+otp+mfa', ip: '192.0.2.10' }];
    });
    const page = await newPage();

    // /account → the provider's sign-in: password, then the passkey offered first; the code is one link away.
    await page.goto(`${idp.issuer}/account`);
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('mfa.use_code') }).waitFor();
    await check(page, 'passkey-verify');
    await page.getByRole('link', { name: t('mfa.use_code') }).click();
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret));
    await page.getByRole('button', { name: t('verify.submit'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: t('account.title') }).waitFor();
    await check(page, 'account');

    // "Confirm it's you" with a wrong code, then the right one: the change forms appear.
    await confirmWithCode(page, secret, 'account');
    await page.getByRole('button', { name: t('account.sign_out.submit'), exact: true }).waitFor();
    await check(page, 'account-confirmed');

    // Change password: the page, and a wrong current password.
    await page.getByRole('link', { name: t('account.password.title') }).click();
    await page.getByLabel(t('account.password.current'), { exact: true }).fill('not the password');
    await page.getByLabel(t('account.password.new'), { exact: true }).fill('another fine passphrase 2');
    await page.getByLabel(t('account.password.confirm'), { exact: true }).fill('another fine passphrase 2');
    await check(page, 'account-password');
    await page.getByRole('button', { name: t('account.password.submit'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'account-password-errors');
    await page.getByRole('link', { name: t('account.back') }).click();

    // Add an authenticator app.
    await page.getByRole('link', { name: t('account.factors.add_app') }).click();
    await page.getByRole('img', { name: /QR/ }).waitFor();
    await check(page, 'account-totp');
    await page.getByRole('link', { name: t('account.back') }).click();

    // New recovery codes, and the mail that tells the owner.
    await page.getByRole('button', { name: t('account.recovery.new'), exact: true }).click();
    await page.locator('.recovery-codes').waitFor();
    await check(page, 'account-recovery-codes');
    const mail = await idp.smtp.next(email);
    await ok(page);

    // Sign out everywhere.
    await page.getByRole('button', { name: t('account.sign_out.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'account-signed-out');

    // The account-changed mail, as a mail client shows its HTML part. The client's own page holds the
    // landmarks and the level-one heading, so the rules that ask a whole page for them do not apply.
    expect(mail.subject).toBe(t('mail.changed.subject'));
    await page.setContent(mail.html as string);
    await check(page, 'mail-account-changed', ['landmark-one-main', 'page-has-heading-one', 'region']);
  }, 120_000);

  test('a reset that lists the factors left, its mail, and the step-up to a passkey ("confirm it\'s you", then add): zero axe-core violations', async () => {
    const email = `screens-reset-${locale}@example.org`;
    const { id } = await seedAccount(idp, email, PASSWORD, { totp: true, locale });
    await updateAccount(idp.app.services.accounts, id, (a) => {
      a.passkeys.push({ id: 'c2NyZWVucy1yZXNldA', publicKey: 'AA', counter: 0, kind: 'swk', name: 'Passkey', createdAt: 1_760_000_000 });
    });
    const page = await newPage();
    await page.goto(`${idp.issuer}/password/request`);
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByRole('button', { name: t('request.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await page.goto(resetLink((await idp.smtp.next(email)).text ?? '', idp.issuer));
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByLabel(t('set.confirm')).fill(PASSWORD);
    await page.getByRole('button', { name: t('set.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'password-set-factors-left');
    const mail = await idp.smtp.next(email);
    await page.setContent(mail.html as string);
    await check(page, 'mail-password-set', ['landmark-one-main', 'page-has-heading-one', 'region']);

    const stepUp = `screens-stepup-${locale}@example.org`;
    const { secret } = await seedAccount(idp, stepUp, PASSWORD, { totp: true, locale });
    await page.goto((await startSignIn(idp, { ui_locales: locale, acr_values: 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant' })).url);
    await page.getByLabel(t('login.username')).fill(stepUp);
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret));
    await page.getByRole('button', { name: t('verify.submit'), exact: true }).click();
    await page.getByRole('button', { name: t('account.reauth.submit'), exact: true }).waitFor();
    await check(page, 'stepup-confirm');
    await confirmWithCode(page, secret, 'stepup');
    await page.locator('form[data-passkey="register"]').waitFor({ state: 'attached' });
    await check(page, 'stepup-add');
  }, 120_000);
});
