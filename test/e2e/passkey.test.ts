import type { Browser, BrowserContext, CDPSession, Page, Request, Route } from 'playwright-core';
import type { TestIdp } from '../support/test-idp.ts';
import { finishSignIn, startSignIn, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { interceptApplication, screenshot, withIdpAndBrowser } from './browser.ts';
import { msg } from '../support/messages.ts';

/** The RFC 8176 value of a passkey: a device-bound one (Chromium's virtual authenticator) is hwk, a synced one swk. */
const PASSKEY_AMR = /^(hwk|swk)$/;

/**
 * Passkeys in Chromium, with a virtual authenticator of the DevTools WebAuthn
 * domain standing in for the phone or laptop: the real public/passkey.js, the
 * real navigator.credentials, the real server. Each test has a browser context,
 * a virtual authenticator and accounts of its own (a passkey, where it needs
 * one, enrolled at the account's first sign-in as a user would), so the tests
 * pass in any order, or alone.
 *
 * WebAuthn needs a relying-party ID that is a domain, so the issuer is localhost.
 */
let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let webauthn: CDPSession;
let authenticatorId: string;
let app: { callbackUrl: () => string | undefined };

withIdpAndBrowser(
  (i, b) => {
    idp = i;
    browser = b;
  },
  { host: 'localhost' },
);
beforeEach(async () => {
  context = await browser.newContext({ locale: 'nl-NL' });
  context.setDefaultTimeout(10_000);
  app = await interceptApplication(context);
  page = await context.newPage();
  webauthn = await context.newCDPSession(page);
  await webauthn.send('WebAuthn.enable');
  ({ authenticatorId } = await webauthn.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
});
afterEach(() => context.close());

const userVerified = (isUserVerified: boolean) => webauthn.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
const credentials = async () => (await webauthn.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
const account = async (email: string) => (await idp.app.services.accounts.findByEmail(email))!;
/** An address of this test's own, for a new account. */
const emailFor = (name: string) => `passkey-${name}@example.org`;

/** A new sign-in at the portal, in this browser with no session of the provider. */
async function newSignIn() {
  await context.clearCookies();
  const signIn = await startSignIn(idp, { ui_locales: 'nl' });
  await page.goto(signIn.url);
  await page.getByRole('heading', { level: 1, name: msg('login.title') }).waitFor();
  return signIn;
}

async function enterPassword(email: string): Promise<void> {
  await page.getByLabel(msg('login.username')).fill(email);
  await page.getByLabel(msg('login.password'), { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: msg('login.submit'), exact: true }).click();
}

/** A first sign-in of an account without a second factor: password, the notice, OK, option 1: the passkey enrolment page. */
async function atPasskeyEnrolment(email: string) {
  const signIn = await newSignIn();
  await enterPassword(email);
  await page.getByRole('main').getByText(msg('mfa.required')).waitFor();
  await page.getByRole('link', { name: msg('common.ok'), exact: true }).click();
  await page
    .getByRole('region', { name: msg('mfa.option1.title') })
    .getByRole('link', { name: msg('mfa.activate'), exact: true })
    .click();
  await page.getByRole('heading', { level: 1, name: msg('passkey.title') }).waitFor();
  return signIn;
}

/** A new account whose first sign-in enrolled a passkey on this test's authenticator, and returned to the application. */
async function accountWithPasskey(name: string): Promise<string> {
  const email = emailFor(name);
  await seedAccount(idp, email, PASSWORD);
  const signIn = await atPasskeyEnrolment(email);
  expect(await usePasskey(msg('mfa.activate'))).toBe(200);
  await page.getByRole('link', { name: msg('common.ok'), exact: true }).click();
  await backAtApplication(signIn);
  return email;
}

/** Clicks a passkey button and returns the server's answer to the form post that public/passkey.js makes. */
async function usePasskey(button: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /passkey$/.test(new URL(r.url()).pathname)),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return response.status();
}

/** Back at the application: its code exchanged, the ID token's claims. */
async function backAtApplication(signIn: Awaited<ReturnType<typeof startSignIn>>) {
  await page.getByRole('heading', { name: 'Back at the application' }).waitFor();
  return (await finishSignIn(signIn, app.callbackUrl()!)).claims()!;
}

/** The refusal a user sees: the error summary of the re-rendered page, and no way back to the application. */
async function expectRefused(callbackBefore: string | undefined): Promise<void> {
  await page.getByRole('alert').getByText(msg('passkey.failed')).waitFor();
  expect(new URL(page.url()).origin).toBe(idp.issuer);
  expect(app.callbackUrl()).toBe(callbackBefore);
}

/**
 * Makes the page ask the authenticator without requiring user verification, as
 * a tampered browser could: the server's own check is then all that stands.
 */
async function askWithoutUserVerification(target: Page): Promise<() => Promise<void>> {
  const handler = async (route: Route) => {
    const response = await route.fetch();
    const options = (await response.json()) as { userVerification?: string; authenticatorSelection?: { userVerification?: string } };
    if (options.authenticatorSelection) options.authenticatorSelection.userVerification = 'discouraged';
    else options.userVerification = 'discouraged';
    await route.fulfill({ response, json: options });
  };
  const matcher = (url: URL) => url.pathname.endsWith('/options');
  await target.route(matcher, handler);
  return () => target.unroute(matcher, handler);
}

/** Captures the authenticator's answer that public/passkey.js posts; optionally replaces it with another before it leaves. */
async function onPasskeyPost(change: (response: string) => string | undefined): Promise<() => Promise<void>> {
  const isPost = (request: Request) => request.method() === 'POST' && /passkey$/.test(new URL(request.url()).pathname);
  const handler = async (route: Route) => {
    if (!isPost(route.request())) return route.fallback();
    const form = new URLSearchParams(route.request().postData() ?? '');
    const replacement = change(form.get('response')!);
    // No replacement: the answer never reaches the server (204: the browser stays on the page).
    if (replacement === undefined) return route.fulfill({ status: 204 });
    form.set('response', replacement);
    await route.continue({ postData: form.toString() });
  };
  await page.route('**/*passkey', handler);
  return () => page.unroute('**/*passkey', handler);
}

describe('passkeys in a browser with a virtual authenticator', () => {
  test('first login: choose one-tap login, Activate, recovery codes, back at the application with amr pwd + passkey + mfa', async () => {
    const email = emailFor('first');
    await seedAccount(idp, email, PASSWORD);
    const signIn = await atPasskeyEnrolment(email);

    expect(await usePasskey(msg('mfa.activate'))).toBe(200);
    await page.getByRole('main').getByText(msg('totp.activated')).waitFor();
    expect(await page.locator('.recovery-codes li').allTextContents()).toHaveLength(10);
    await screenshot(page, 'passkey-enrolled');
    await page.getByRole('link', { name: msg('common.ok'), exact: true }).click();

    const claims = await backAtApplication(signIn);
    expect(claims.email).toBe(email);
    expect(claims.amr).toHaveLength(3);
    expect(claims.amr).toEqual(['pwd', expect.stringMatching(PASSKEY_AMR), 'mfa']);
    // One discoverable credential on the authenticator, for this relying party; the same one on the account.
    const [credential, ...more] = await credentials();
    expect(more).toHaveLength(0);
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    expect((await account(email)).passkeys.map((p) => p.id)).toEqual([Buffer.from(credential!.credentialId, 'base64').toString('base64url')]);
  });

  test('later login: after the password the passkey is offered first; amr pwd + passkey + mfa', async () => {
    const email = await accountWithPasskey('later');
    const signIn = await newSignIn();
    await enterPassword(email);
    await page.getByRole('heading', { level: 1, name: msg('passkey.verify_title') }).waitFor();
    expect(await usePasskey(msg('passkey.use'))).toBe(303);
    const claims = await backAtApplication(signIn);
    expect(claims.amr).toEqual(['pwd', expect.stringMatching(PASSKEY_AMR), 'mfa']);
  });

  test('the passkey alone, from the login page button: no password, amr passkey + user + mfa', async () => {
    const email = await accountWithPasskey('alone');
    const signIn = await newSignIn();
    expect(await usePasskey(msg('passkey.login'))).toBe(303);
    const claims = await backAtApplication(signIn);
    expect(claims.email).toBe(email);
    expect(claims.amr).toEqual([expect.stringMatching(PASSKEY_AMR), 'user', 'mfa']);
  });

  test('without user verification: the browser refuses, and what a browser that skips it sends, the server refuses; no code', async () => {
    const email = await accountWithPasskey('uv-holder');
    const other = emailFor('no-uv');
    await seedAccount(idp, other, PASSWORD);
    const before = app.callbackUrl();

    // The authenticator cannot verify the user (no fingerprint, no PIN): the browser gives up, the page says so.
    await userVerified(false);
    try {
      await atPasskeyEnrolment(other);
      await page.getByRole('button', { name: msg('mfa.activate'), exact: true }).click();
      await page.locator('[data-passkey-error]').getByText(msg('passkey.failed')).waitFor();
      await newSignIn();
      await page.getByRole('button', { name: msg('passkey.login'), exact: true }).click();
      await page.locator('[data-passkey-error]').getByText(msg('passkey.failed')).waitFor();
    } finally {
      await userVerified(true);
    }

    // A browser that asks without user verification: the passkey answers with "user present" only; the server refuses it,
    // alone and as the second factor.
    const restore = await askWithoutUserVerification(page);
    let sent = '';
    const stopCapture = await onPasskeyPost((response) => (sent = response));
    try {
      await newSignIn();
      expect(await usePasskey(msg('passkey.login'))).toBe(400);
      await expectRefused(before);
      // What was refused is a well-formed answer from the enrolled passkey: user present, not verified.
      const answer = JSON.parse(sent) as { id: string; response: { authenticatorData: string } };
      expect((await account(email)).passkeys.map((p) => p.id)).toContain(answer.id);
      const flags = Buffer.from(answer.response.authenticatorData, 'base64url')[32]!;
      expect({ userPresent: !!(flags & 0x01), userVerified: !!(flags & 0x04) }).toEqual({ userPresent: true, userVerified: false });
      await newSignIn();
      await enterPassword(email);
      expect(await usePasskey(msg('passkey.use'))).toBe(400);
      await expectRefused(before);
    } finally {
      await stopCapture();
      await restore();
    }

    // Enrolment with a security key that has no user verification at all, in a browser that does not ask for it: refused.
    const main = { context, page };
    context = await browser.newContext({ locale: 'nl-NL' });
    context.setDefaultTimeout(10_000);
    await interceptApplication(context);
    page = await context.newPage();
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: false, automaticPresenceSimulation: true },
      });
      await askWithoutUserVerification(page);
      await atPasskeyEnrolment(other);
      expect(await usePasskey(msg('mfa.activate'))).toBe(400);
      await page.getByRole('alert').getByText(msg('passkey.failed')).waitFor();
      expect(new URL(page.url()).origin).toBe(idp.issuer);
    } finally {
      await context.close();
      ({ context, page } = main);
    }
    expect((await account(other)).passkeys).toHaveLength(0);
    expect(app.callbackUrl()).toBe(before);
  });

  test('an answer to a challenge counts once, for its own sign-in: replayed or carried to another sign-in, it is refused', async () => {
    await accountWithPasskey('replay');
    // Sign-in A: the authenticator answers, but the answer never reaches the server.
    let answerA = '';
    let stop = await onPasskeyPost((response) => {
      answerA = response;
      return undefined;
    });
    await newSignIn();
    expect(await usePasskey(msg('passkey.login'))).toBe(204);
    expect(answerA).not.toBe('');
    await stop();

    // Sign-in B: A's answer, still unused and newer than any the server has seen, is not B's challenge.
    stop = await onPasskeyPost(() => answerA);
    const signInB = await newSignIn();
    const before = app.callbackUrl();
    expect(await usePasskey(msg('passkey.login'))).toBe(400);
    await expectRefused(before);
    await stop();

    // B again, with its own answer: signed in. That answer is kept…
    let answerB = '';
    stop = await onPasskeyPost((response) => (answerB = response));
    expect(await usePasskey(msg('passkey.login'))).toBe(303);
    expect((await backAtApplication(signInB)).amr).toContain('mfa');
    await stop();

    // …and posted again from sign-in C: refused, no code.
    stop = await onPasskeyPost(() => answerB);
    await newSignIn();
    const afterB = app.callbackUrl();
    expect(await usePasskey(msg('passkey.login'))).toBe(400);
    await expectRefused(afterB);
    await stop();
  });

  test('My account: confirm with the passkey, add an authenticator app, then remove the passkey; it no longer signs in', async () => {
    const email = await accountWithPasskey('account');
    await context.clearCookies();
    await page.goto(`${idp.issuer}/account`);
    expect(await usePasskey(msg('passkey.login'))).toBe(303);
    await page.getByRole('heading', { level: 1, name: msg('account.title') }).waitFor();

    // Nothing can be removed before "confirm it's you"; then confirm with the passkey.
    expect(await page.getByRole('button', { name: msg('account.factors.remove') }).count()).toBe(0);
    expect(await usePasskey(msg('account.reauth.passkey'))).toBe(303);
    await page
      .getByRole('status')
      .getByText(msg('account.reauth.done', { minutes: 5 }))
      .waitFor();

    // The passkey is the only factor, so it cannot go yet: add an authenticator app first.
    expect(await page.getByRole('button', { name: msg('account.factors.remove') }).count()).toBe(0);
    await page.getByRole('link', { name: msg('account.factors.add_app') }).click();
    const key = (await page.locator('#totp-key').textContent())!.replace(/ /g, '');
    await page.getByLabel(msg('totp.code')).fill(await totpCode(key));
    await page.getByRole('button', { name: msg('mfa.activate'), exact: true }).click();
    await page.getByRole('main').getByText(msg('account.totp.done')).waitFor();
    expect((await idp.smtp.next(email)).text).toContain(msg('mail.changed.totp_added'));
    await page.getByRole('link', { name: msg('common.ok'), exact: true }).click();

    // Now the passkey can be removed.
    const passkeyItem = page.getByRole('listitem').filter({ hasText: 'Passkey (' });
    await passkeyItem.getByRole('button', { name: msg('account.factors.remove') }).click();
    await page.getByRole('main').getByText(msg('account.passkey.removed')).waitFor();
    expect((await idp.smtp.next(email)).text).toContain(msg('mail.changed.passkey_removed'));
    await page.getByRole('link', { name: msg('common.ok'), exact: true }).click();
    await page.getByText(msg('account.factors.no_passkeys')).waitFor();
    const after = await account(email);
    expect(after.passkeys).toHaveLength(0);
    expect(after.totp).toHaveLength(1);

    // The authenticator still holds the credential; the server no longer knows it.
    await newSignIn();
    const before = app.callbackUrl();
    expect(await usePasskey(msg('passkey.login'))).toBe(400);
    await expectRefused(before);
  });
});
