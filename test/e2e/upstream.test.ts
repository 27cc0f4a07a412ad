import type { Browser, Page } from 'playwright-core';
import { finishSignIn, startSignIn, totpCode } from '../support/journey.ts';
import { msg } from '../support/messages.ts';
import { institutionUser, linkedAccount, startWithUpstream, type WithUpstream } from '../support/upstream-journey.ts';
import { DESKTOP, axeViolations, interceptApplication, launch, screenshot } from './browser.ts';
import type { MessageKey, MessageParams } from '../../src/i18n/index.ts';

let env: WithUpstream;
let browser: Browser;
beforeAll(async () => {
  [env, browser] = await Promise.all([startWithUpstream('sqlite', {}), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** The institution's own login page (the test provider's): its username, its password, its button. */
async function loginAtTheInstitution(page: Page, username: string): Promise<void> {
  await page.getByRole('heading', { name: 'University login' }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(`${username} at the university`);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

const expectNoViolations = async (page: Page, what: string) => expect([what, await axeViolations(page)]).toEqual([what, []]);

/** "Log in with your institution", by what a user sees, from an application's redirect to its ID token, and every page on the way axe-clean. */
describe.each(['nl', 'en'] as const)('log in with your institution in a browser, %s', (locale) => {
  const t = (key: MessageKey, params?: MessageParams) => msg(key, params, locale);
  const institution = t('upstream.login.button', { name: 'SURFconext' });

  test("the login page's institution button, the institution's login, CBS's code, back at the application with amr fed", async () => {
    const email = `e2e-${locale}@example.org`;
    const name = `e2e-${locale}`;
    env.upstream.users.set(name, institutionUser(name));
    const { secret } = await linkedAccount(env.idp, email, name);

    const context = await browser.newContext({ viewport: DESKTOP, locale: locale === 'nl' ? 'nl-NL' : 'en-GB' });
    context.setDefaultTimeout(10_000);
    const app = await interceptApplication(context);
    const page = await context.newPage();
    const signIn = await startSignIn(env.idp, { ui_locales: locale });
    await page.goto(signIn.url);
    await page.getByRole('heading', { level: 1, name: t('login.title') }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    await expectNoViolations(page, 'login page');
    await screenshot(page, `upstream-${locale}-login`, { docs: locale === 'nl' ? 'upstream-login' : undefined });
    await page.getByRole('link', { name: institution }).click();

    await loginAtTheInstitution(page, name);
    await page.getByLabel(t('totp.code')).waitFor();
    await expectNoViolations(page, 'code page');
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret, 1));
    await page.getByRole('button', { name: t('verify.submit'), exact: true }).click();
    await page.getByRole('heading', { name: 'Back at the application' }).waitFor();
    const tokens = await finishSignIn(signIn, app.callbackUrl()!);
    expect(tokens.claims()).toMatchObject({ email, amr: ['fed', 'otp', 'mfa'] });

    // My account, by the session this sign-in left: the linked institution account.
    await page.goto(`${env.idp.issuer}/account?lang=${locale}`);
    await page.getByRole('heading', { level: 2, name: t('upstream.account.title') }).waitFor();
    await expectNoViolations(page, 'My account');
    await context.close();
  }, 45_000);

  test('an institution account linked to nothing: the page that explains linking, and a failure page, both axe-clean', async () => {
    const name = `e2e-unlinked-${locale}`;
    env.upstream.users.set(name, institutionUser(name));
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    await interceptApplication(context);
    const page = await context.newPage();
    await page.goto((await startSignIn(env.idp, { ui_locales: locale })).url);
    await page.getByRole('link', { name: institution }).click();
    await loginAtTheInstitution(page, name);
    await page.getByRole('heading', { level: 1, name: t('upstream.unlinked.title') }).waitFor();
    await expectNoViolations(page, 'not linked');
    await screenshot(page, `upstream-${locale}-unlinked`);

    // The same answer again: used already.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: t('upstream.failure.title') }).waitFor();
    await expectNoViolations(page, 'failure');
    await context.close();
  }, 45_000);
});
