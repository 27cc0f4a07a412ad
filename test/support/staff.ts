import { Browser, type Page } from './browser.ts';
import type { TestIdp } from './test-idp.ts';
import { signInUntil, totpCode, PASSWORD } from './journey.ts';
import { seedAccount } from './seed.ts';
import { accountCommands } from '../../src/cli/accounts.ts';

export const csrf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;

/** A seeded account with an authenticator app, given staff roles by the CLI's own command. */
export async function seedStaff(idp: TestIdp, email: string, roles: ('helpdesk' | 'admin')[], locale: 'nl' | 'en' = 'nl') {
  const seeded = await seedAccount(idp, email, PASSWORD, { totp: true, locale });
  for (const role of roles) await accountCommands(idp.app.services, 'grant-role', { email, role });
  return seeded;
}

/** /admin → the provider's sign-in (password, code) → back at /admin. */
export async function signInToConsole(idp: TestIdp, email: string, secret: string, offset: number, browser = new Browser(idp.issuer)) {
  const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, from: '/admin' });
  const page = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, offset) });
  return { browser, page };
}

/** "Confirm it's you" in the console, landing back on the page it was asked on. */
export async function confirmInConsole(browser: Browser, page: Page, secret: string, offset: number): Promise<Page> {
  const confirmed = await browser.submit(page, '/admin/confirm/code', { code: await totpCode(secret, offset) });
  if (confirmed.status !== 303) throw new Error(`confirm answered ${confirmed.status}`);
  return browser.follow(confirmed.location!);
}
