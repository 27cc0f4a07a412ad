import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { type Browser, decode, linkTo, type Page } from './browser.ts';
import { CALLBACK, type TestIdp } from './test-idp.ts';
import { msg } from './messages.ts';

/** The password the seeded test accounts have, unless a test needs another. */
export const PASSWORD = 'a long enough password 1';

/** What the application (relying party) keeps while the user is away signing in. */
export interface SignIn {
  url: string;
  verifier: string;
  state: string;
  config: oidc.Configuration;
}

export async function startSignIn(idp: Pick<TestIdp, 'client'>, params: Record<string, string> = {}, clientId = 'portal'): Promise<SignIn> {
  const config = await idp.client(clientId);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc
    .buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...params,
    })
    .toString();
  return { url, verifier, state, config };
}

/** The application's side of the return: the code exchanged for tokens, the ID token checked by openid-client. */
export async function finishSignIn(signIn: SignIn, callbackUrl: string) {
  return oidc.authorizationCodeGrant(signIn.config, new URL(callbackUrl), { pkceCodeVerifier: signIn.verifier, expectedState: signIn.state });
}

/** What a page says, as a reader sees it: tags gone, entities decoded, white space collapsed. */
export const text = (page: Page) => decode(page.html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

/** Request password → mail → set password, as the guide's steps 1 and 2. Returns the page after OK. */
export async function setPasswordByMail(
  browser: Browser,
  idp: Pick<TestIdp, 'smtp' | 'issuer'>,
  loginPage: Page,
  email: string,
  password: string,
): Promise<Page> {
  const english = msg('login.request_password', undefined, 'en');
  const request = await browser.get(linkTo(loginPage, loginPage.html.includes(english) ? english : msg('login.request_password')));
  const sent = await browser.submit(request, '/password/request', { username: email });
  if (sent.status !== 200) throw new Error(`request password answered ${sent.status}`);
  const mail = await idp.smtp.next(email);
  const link = resetLink(mail.text ?? '', idp.issuer);
  const form = await browser.get(link);
  const done = await browser.submit(form, '/password/set', { password, confirm: password });
  if (done.status !== 200) throw new Error(`set password answered ${done.status}: ${text(done)}`);
  return browser.follow(linkTo(done, msg('common.ok')));
}

export function resetLink(mailText: string, issuer: string): string {
  const match = new RegExp(`${issuer.replace(/[.:/]/g, '\\$&')}/password/set\\?token=[\\w.-]+`).exec(mailText);
  if (!match) throw new Error(`no reset link in mail:\n${mailText}`);
  return match[0];
}

/** The base32 key as written out on the enrolment page. */
export function totpKey(page: Page): string {
  const m = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(page.html);
  if (!m) throw new Error(`no key on ${page.url}`);
  return m[1]!.replace(/ /g, '');
}

/** How close to a time step's end a code is not made: the request that carries it could reach the service in the next step. */
const STEP_END_MARGIN_MS = 3000;

/**
 * The code of the time step `offsetSteps` from now. In a step's last three
 * seconds it waits for the next step first, so that no request in flight sees
 * its code's step end: the service allows one step either way, and the previous
 * step's code (-1) would otherwise arrive two steps old.
 */
export async function totpCode(secret: string, offsetSteps = 0): Promise<string> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < STEP_END_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

/** Steps 3 and on: log in, OK on the notice, Activate, scan, code, OK. Returns the TOTP secret and the page after OK. */
export async function enrolTotp(browser: Browser, notice: Page): Promise<{ secret: string; page: Page }> {
  const choice = await browser.follow(linkTo(notice, msg('common.ok')));
  const enrol = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec(choice.html)![1]!);
  const secret = totpKey(enrol);
  const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(secret) });
  if (activated.status !== 200) throw new Error(`activation answered ${activated.status}: ${text(activated)}`);
  return { secret, page: await browser.follow(linkTo(activated, msg('common.ok'))) };
}

export async function login(browser: Browser, loginPage: Page, email: string, password: string): Promise<Page> {
  return browser.submitAndFollow(loginPage, '/login', { username: email, password });
}

/** The points of a sign-in a test can stop at, each recognised by its form or links (in either language). */
export type SignInPoint = 'login-form' | 'mfa-notice' | 'enrol-choice' | 'totp-enrol' | 'passkey-enrol' | 'code-page' | 'passkey-page' | 'recovery-page';

const formTo = (page: Page, action: string) => new RegExp(`<form[^>]*action="[^"]*/interaction/[\\w-]+${action}"`).test(page.html);
const hrefTo = (page: Page, path: string) => new RegExp(`href="([^"]*/interaction/[\\w-]+${path})"`).exec(page.html)?.[1];

/**
 * Which point of a sign-in this page is, if it is one ('add-passkey': the step-up
 * after the second factor). A form shown again with an error (4xx) is still its point.
 */
export function landedOn(page: Page): SignInPoint | 'add-passkey' | undefined {
  if (page.status !== 200 && !(page.status >= 400 && page.status < 500)) return undefined;
  if (formTo(page, '/login') && page.html.includes('name="password"')) return 'login-form';
  if (formTo(page, '/enrol/totp')) return 'totp-enrol';
  if (formTo(page, '/enrol/passkey')) return 'passkey-enrol';
  if (formTo(page, '/verify/totp')) return 'code-page';
  if (formTo(page, '/verify/passkey')) return 'passkey-page';
  if (formTo(page, '/verify/recovery')) return 'recovery-page';
  // The step-up: "confirm it's you" first, then the passkey form.
  if (formTo(page, '/add-passkey') || formTo(page, '/add-passkey/confirm/code')) return 'add-passkey';
  if (hrefTo(page, '/enrol/totp') && hrefTo(page, '/enrol/passkey')) return 'enrol-choice';
  if (hrefTo(page, '/enrol')) return 'mfa-notice';
  return undefined;
}

/** The page, asserted to be this point of the sign-in (a test failure names where it landed instead). */
export function expectAt(page: Page, point: SignInPoint): Page {
  const at = landedOn(page);
  if (at !== point) throw new Error(`expected the ${point}, landed on ${at ?? `${page.status} ${page.url}`}: ${text(page).slice(0, 400)}`);
  return page;
}

interface SignInUntilOptions {
  email?: string;
  password?: string;
  /** Authorization parameters and the application, for a sign-in the test starts. */
  params?: Record<string, string>;
  clientId?: string;
  /** A page of ours that starts the sign-in itself (/account, /admin) instead of an application. */
  from?: string;
}
interface Reached {
  page: Page;
  uid: string;
}

/**
 * Runs a sign-in up to `point` and stops there: the login form, the "two-factor
 * authentication is required" notice, the enrolment choice or one enrolment page
 * (an account without a second factor), or the code, passkey or recovery-code
 * page (an account with one; the code page is one link from the passkey page).
 * Every step on the way is asserted, so a test starts from where it says it does.
 */
export async function signInUntil(
  idp: Pick<TestIdp, 'client'>,
  browser: Browser,
  point: SignInPoint,
  o: SignInUntilOptions & { from: string },
): Promise<Reached>;
export async function signInUntil(
  idp: Pick<TestIdp, 'client'>,
  browser: Browser,
  point: SignInPoint,
  o?: SignInUntilOptions,
): Promise<Reached & { signIn: SignIn }>;
export async function signInUntil(
  idp: Pick<TestIdp, 'client'>,
  browser: Browser,
  point: SignInPoint,
  o: SignInUntilOptions = {},
): Promise<Reached & { signIn?: SignIn }> {
  const signIn = o.from ? undefined : await startSignIn(idp, o.params, o.clientId);
  const at = (page: Page) => ({ signIn, page, uid: /\/interaction\/([\w-]+)/.exec(page.url)![1]! });
  const form = expectAt(await browser.follow(o.from ?? signIn!.url), 'login-form');
  if (point === 'login-form') return at(form);
  if (!o.email) throw new Error(`signInUntil ${point} needs an email`);
  const next = await login(browser, form, o.email, o.password ?? PASSWORD);
  if (['mfa-notice', 'enrol-choice', 'totp-enrol', 'passkey-enrol'].includes(point)) {
    const notice = expectAt(next, 'mfa-notice');
    if (point === 'mfa-notice') return at(notice);
    const choice = expectAt(await browser.follow(hrefTo(notice, '/enrol')!), 'enrol-choice');
    if (point === 'enrol-choice') return at(choice);
    return at(expectAt(await browser.follow(hrefTo(choice, point === 'totp-enrol' ? '/enrol/totp' : '/enrol/passkey')!), point));
  }
  if (point === 'passkey-page') return at(expectAt(next, 'passkey-page'));
  // Accounts with a passkey are offered it first; the code (and a recovery code) is one link away.
  const verify = landedOn(next) === 'passkey-page' ? expectAt(await browser.get(hrefTo(next, '/verify/totp')!), 'code-page') : expectAt(next, 'code-page');
  if (point === 'code-page') return at(verify);
  return at(expectAt(await browser.get(hrefTo(verify, '/verify/recovery')!), 'recovery-page'));
}
