import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { Browser, linkTo, type Page } from './browser.ts';
import { CALLBACK, type TestIdp } from './test-idp.ts';

/** The password the seeded test accounts have, unless a test needs another. */
export const PASSWORD = 'a long enough password 1';

/** What the application (relying party) keeps while the user is away signing in. */
export interface SignIn { url: string; verifier: string; state: string; config: oidc.Configuration }

export async function startSignIn(idp: Pick<TestIdp, 'client'>, params: Record<string, string> = {}, clientId = 'portal'): Promise<SignIn> {
  const config = await idp.client(clientId);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  }).toString();
  return { url, verifier, state, config };
}

/** The application's side of the return: the code exchanged for tokens, the ID token checked by openid-client. */
export async function finishSignIn(signIn: SignIn, callbackUrl: string) {
  return oidc.authorizationCodeGrant(signIn.config, new URL(callbackUrl), { pkceCodeVerifier: signIn.verifier, expectedState: signIn.state });
}

export const text = (page: Page) => page.html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

/** Request password → mail → set password, as the guide's steps 1 and 2. Returns the page after OK. */
export async function setPasswordByMail(browser: Browser, idp: Pick<TestIdp, 'smtp' | 'issuer'>, loginPage: Page, email: string, password: string): Promise<Page> {
  const request = await browser.get(linkTo(loginPage, /Request password/.test(loginPage.html) ? 'Request password' : 'Wachtwoord opvragen'));
  const sent = await browser.submit(request, '/password/request', { username: email });
  if (sent.status !== 200) throw new Error(`request password answered ${sent.status}`);
  const mail = await idp.smtp.next(email);
  const link = resetLink(mail.text ?? '', idp.issuer);
  const form = await browser.get(link);
  const done = await browser.submit(form, '/password/set', { password, confirm: password });
  if (done.status !== 200) throw new Error(`set password answered ${done.status}: ${text(done)}`);
  return browser.follow(linkTo(done, 'OK'));
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

export const totpCode = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

/** Steps 3 and on: log in, OK on the notice, Activate, scan, code, OK. Returns the TOTP secret and the page after OK. */
export async function enrolTotp(browser: Browser, notice: Page): Promise<{ secret: string; page: Page }> {
  const choice = await browser.follow(linkTo(notice, 'OK'));
  const enrol = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec(choice.html)![1]!);
  const secret = totpKey(enrol);
  const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(secret) });
  if (activated.status !== 200) throw new Error(`activation answered ${activated.status}: ${text(activated)}`);
  return { secret, page: await browser.follow(linkTo(activated, 'OK')) };
}

export async function login(browser: Browser, loginPage: Page, email: string, password: string): Promise<Page> {
  return browser.submitAndFollow(loginPage, '/login', { username: email, password });
}
