import type { Browser, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { totpCode } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { seedStaff } from '../support/staff.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import { liftLockout } from '../../src/accounts/operations/lifecycle.ts';
import { axeViolations, focusProblems, pagesIn, screenshot, targetSizeProblems, withIdpAndBrowser } from './browser.ts';
import type { MessageKey, MessageParams } from '../../src/i18n/index.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'a long enough password 1';

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => {
  idp = i;
  browser = b;
});

/** The helpdesk console's screens, scanned by axe-core and photographed, in both languages. */
describe.each(['nl', 'en'] as const)('helpdesk console in %s', (locale) => {
  const t = (key: MessageKey, params?: MessageParams) => msg(key, params, locale);
  const newPage = pagesIn(locale, () => ({ idp, browser }));

  async function check(page: Page, screen: string): Promise<void> {
    await page.waitForLoadState('load');
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect({ screen, violations: await axeViolations(page) }).toEqual({ screen, violations: [] });
    await screenshot(page, `${locale}-admin-${screen}`);
    expect({ screen, smallTargets: await targetSizeProblems(page) }).toEqual({ screen, smallTargets: [] });
    const focus = await focusProblems(page);
    expect({ screen, focus: focus.problems }).toEqual({ screen, focus: [] });
    expect(focus.stops).toBeGreaterThan(0);
  }

  async function signIn(page: Page, email: string, secret: string): Promise<void> {
    await page.goto(`${idp.issuer}/admin`);
    await page.getByLabel(t('login.username')).fill(email);
    await page.getByLabel(t('login.password'), { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: t('login.submit'), exact: true }).click();
    // This time step's code: were the next step to start before the service checks it, it is still within the one step allowed.
    await page.getByLabel(t('totp.code')).fill(await totpCode(secret, 0));
    await page.getByRole('button', { name: t('verify.submit'), exact: true }).click();
  }

  test('search, account before and after "confirm it\'s you", reset with its errors, and the 403 page: zero axe-core violations', async () => {
    const staff = await seedStaff(idp, `axe-desk-${locale}@example.org`, ['helpdesk'], locale);
    const holder = `axe-holder-${locale}@example.org`;
    const { id } = await seedAccount(idp, holder, PASSWORD, { totp: true, locale });
    const named = await updateAccount(idp.app.services.accounts, id, (a) => {
      a.name = 'Anna van den Berg';
      a.recentSignIns = [{ at: 1_760_000_000, method: 'pwd+otp+mfa', ip: '192.0.2.10' }];
    });
    await liftLockout(idp.app.services, { via: 'console', by: { id: 'colleague', email: 'colleague@example.org' } }, named!);
    const page = await newPage();
    await signIn(page, `axe-desk-${locale}@example.org`, staff.secret);
    await page.getByRole('heading', { level: 1, name: t('admin.title') }).waitFor();
    await check(page, 'search');

    await page.getByLabel(t('admin.search.label')).fill(holder);
    await page.getByRole('button', { name: t('admin.search.submit'), exact: true }).click();
    await page.getByRole('link', { name: 'Anna van den Berg' }).click();
    await page.getByRole('heading', { level: 1, name: 'Anna van den Berg' }).waitFor();
    await check(page, 'account');

    await page.getByLabel(t('totp.code')).fill(await totpCode(staff.secret, 1));
    await page.getByRole('button', { name: t('account.reauth.submit'), exact: true }).click();
    await page.getByRole('link', { name: t('admin.reset.title') }).click();
    await page.getByRole('heading', { level: 1, name: t('admin.reset.title') }).waitFor();
    await check(page, 'reset');
    await page.getByRole('button', { name: t('admin.reset.title'), exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'reset-errors');
    await page.getByLabel(t('admin.reset.identity_check')).fill('Called back on the number in our records');
    await page.getByRole('button', { name: t('admin.reset.title'), exact: true }).click();
    await page.getByRole('link', { name: t('common.ok'), exact: true }).waitFor();
    await check(page, 'reset-done');
    await page.getByRole('link', { name: t('common.ok'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Anna van den Berg' }).waitFor();
    await check(page, 'account-confirmed');

    // Someone without a staff role.
    const nobody = await seedAccount(idp, `axe-nobody-${locale}@example.org`, PASSWORD, { totp: true, locale });
    const researcher = await newPage();
    await signIn(researcher, `axe-nobody-${locale}@example.org`, nobody.secret);
    await researcher.getByText(t('admin.refused.role')).waitFor();
    await check(researcher, 'forbidden');
  }, 120_000);
});
