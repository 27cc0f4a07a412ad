import type { Browser, Page } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { totpCode } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { seedStaff } from '../support/staff.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import { liftLockout } from '../../src/accounts/operations/lifecycle.ts';
import { axeViolations, pagesIn, screenshot, withIdpAndBrowser } from './browser.ts';

const PASSWORD = 'a long enough password 1';

const WORDS = {
  nl: { username: 'Gebruikersnaam', password: 'Wachtwoord', login: 'Inloggen', code: 'Verificatiecode', verify: 'Verifiëren', console: 'Helpdeskconsole', search: 'Zoeken', query: 'E-mailadres of naam', confirmIt: 'Bevestigen', reset: 'Tweede factor resetten', identity: /Hoe heb je vastgesteld/, noAccess: 'Je hebt geen toegang' },
  en: { username: 'Username', password: 'Password', login: 'Log in', code: 'Verification code', verify: 'Verify', console: 'Helpdesk console', search: 'Search', query: 'Email address or name', confirmIt: 'Confirm', reset: 'Reset second factor', identity: /How did you verify/, noAccess: 'You do not have access' },
};

let idp: TestIdp;
let browser: Browser;
withIdpAndBrowser((i, b) => { idp = i; browser = b; });

/** The helpdesk console's screens, scanned by axe-core and photographed, in both languages. */
describe.each(['nl', 'en'] as const)('helpdesk console in %s', (locale) => {
  const w = WORDS[locale];
  const newPage = pagesIn(locale, () => ({ idp, browser }));

  async function check(page: Page, screen: string): Promise<void> {
    await page.waitForLoadState('load');
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect({ screen, violations: await axeViolations(page) }).toEqual({ screen, violations: [] });
    await screenshot(page, `${locale}-admin-${screen}`);
  }

  async function signIn(page: Page, email: string, secret: string): Promise<void> {
    await page.goto(`${idp.issuer}/admin`);
    await page.getByLabel(w.username).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: w.login, exact: true }).click();
    await page.getByLabel(w.code).fill(await totpCode(secret, -1));
    await page.getByRole('button', { name: w.verify, exact: true }).click();
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
    await page.getByRole('heading', { level: 1, name: w.console }).waitFor();
    await check(page, 'search');

    await page.getByLabel(w.query).fill(holder);
    await page.getByRole('button', { name: w.search, exact: true }).click();
    await page.getByRole('link', { name: 'Anna van den Berg' }).click();
    await page.getByRole('heading', { level: 1, name: 'Anna van den Berg' }).waitFor();
    await check(page, 'account');

    await page.getByLabel(w.code).fill(await totpCode(staff.secret, 0));
    await page.getByRole('button', { name: w.confirmIt, exact: true }).click();
    await page.getByRole('link', { name: w.reset }).click();
    await page.getByRole('heading', { level: 1, name: w.reset }).waitFor();
    await check(page, 'reset');
    await page.getByRole('button', { name: w.reset, exact: true }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'reset-errors');
    await page.getByLabel(w.identity).fill('Called back on the number in our records');
    await page.getByRole('button', { name: w.reset, exact: true }).click();
    await page.getByRole('link', { name: 'OK', exact: true }).waitFor();
    await check(page, 'reset-done');
    await page.getByRole('link', { name: 'OK', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Anna van den Berg' }).waitFor();
    await check(page, 'account-confirmed');

    // Someone without a staff role.
    const nobody = await seedAccount(idp, `axe-nobody-${locale}@example.org`, PASSWORD, { totp: true, locale });
    const researcher = await newPage();
    await signIn(researcher, `axe-nobody-${locale}@example.org`, nobody.secret);
    await researcher.getByText(w.noAccess).waitFor();
    await check(researcher, 'forbidden');
  }, 60_000);
});
