import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, text, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';
import { msg } from '../support/messages.ts';

/** Passkeys over HTTP with a software authenticator: enrolment, second factor, passkey alone. */
describeOnEveryStore('passkeys', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  async function enrolPasskey(email: string, authenticator: SoftAuthenticator) {
    const browser = new Browser(idp.issuer);
    const { signIn, page } = await signInUntil(idp, browser, 'passkey-enrol', { email });
    return { browser, signIn, page, result: await passkeyCeremony(browser, page, '/enrol/passkey', (o) => authenticator.create(o)) };
  }

  test('enrol a passkey at the first sign-in; later sign in with password and passkey, or the passkey alone', async () => {
    const email = `passkey-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const authenticator = new SoftAuthenticator(idp.issuer);
    const first = await enrolPasskey(email, authenticator);
    expect(first.result.status).toBe(200);
    expect(text(first.result)).toContain(msg('totp.activated'));
    expect(first.result.html.match(/<code>[2-9A-Z]{5}-[2-9A-Z]{5}<\/code>/g)).toHaveLength(10);
    const back = await first.browser.follow(linkTo(first.result, msg('common.ok')));
    expect((await finishSignIn(first.signIn, back.location!)).claims()!.amr).toEqual(['pwd', 'swk', 'mfa']);

    const browser = new Browser(idp.issuer);
    // The passkey is asked first (the assertion is signInUntil's).
    const { signIn: second, page: verify } = await signInUntil(idp, browser, 'passkey-page', { email });
    const verified = await passkeyCeremony(browser, verify, '/verify/passkey', (o) => authenticator.get(o));
    expect(verified.status).toBe(303);
    const code = (await browser.follow(verified.location!)).location!;
    expect((await finishSignIn(second, code)).claims()!.amr).toEqual(['pwd', 'swk', 'mfa']);

    const alone = new Browser(idp.issuer);
    const { signIn: third, page: loginPage } = await signInUntil(idp, alone, 'login-form');
    const signedIn = await passkeyCeremony(alone, loginPage, '/passkey', (o) => authenticator.get(o));
    expect(signedIn.status).toBe(303);
    const claims = (await finishSignIn(third, (await alone.follow(signedIn.location!)).location!)).claims()!;
    expect(claims.amr).toEqual(['swk', 'user', 'mfa']);
    expect(claims.acr).toBe('http://schemas.openid.net/pape/policies/2007/06/phishing-resistant');
    expect(claims.email).toBe(email);
  });

  test('a finished sign-in waiting to resume has no second-factor step left to add a claimed password to', async () => {
    const email = `passkey-done-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const authenticator = new SoftAuthenticator(idp.issuer);
    expect((await enrolPasskey(email, authenticator)).result.status).toBe(200);
    const browser = new Browser(idp.issuer);
    const { signIn, page, uid } = await signInUntil(idp, browser, 'login-form');
    const signedIn = await passkeyCeremony(browser, page, '/passkey', (o) => authenticator.get(o));
    expect(signedIn.status).toBe(303);
    // Not resumed yet: the second-factor step of the same sign-in sends the browser on, and the ID token says passkey alone.
    const code = await browser.get(`/interaction/${uid}/verify/passkey`);
    expect(code.status).toBe(303);
    expect(code.location).toMatch(new RegExp(`/interaction/${uid}$`));
    const claims = (await finishSignIn(signIn, (await browser.follow(signedIn.location!)).location!)).claims()!;
    expect(claims.amr).toEqual(['swk', 'user', 'mfa']);
  });

  test('a passkey without user verification is refused, at enrolment and at sign-in', async () => {
    const email = `passkey-uv-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const careless = new SoftAuthenticator(idp.issuer);
    careless.userVerification = false;
    const { result } = await enrolPasskey(email, careless);
    expect(result.status).toBe(400);
    expect(text(result)).toContain(msg('passkey.failed'));
    expect((await idp.app.services.accounts.findByEmail(email))!.passkeys).toHaveLength(0);

    const authenticator = new SoftAuthenticator(idp.issuer);
    expect((await enrolPasskey(email, authenticator)).result.status).toBe(200);
    authenticator.userVerification = false;
    const browser = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, browser, 'login-form');
    expect((await passkeyCeremony(browser, page, '/passkey', (o) => authenticator.get(o))).status).toBe(400);
  });

  test('an answer to a challenge is accepted once: replayed, or against another sign-in, it is refused', async () => {
    const email = `passkey-replay-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const authenticator = new SoftAuthenticator(idp.issuer);
    await enrolPasskey(email, authenticator);

    const browser = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, browser, 'login-form');
    let answer = '';
    const first = await passkeyCeremony(browser, page, '/passkey', (o) => (answer = authenticator.get(o)));
    expect(first.status).toBe(303);

    const again = new Browser(idp.issuer);
    const { page: other } = await signInUntil(idp, again, 'login-form');
    await again.get(`${/action="([^"]*\/passkey)"/.exec(other.html)![1]}/options`);
    const replayed = await again.submit(other, '/passkey', { response: answer });
    expect(replayed.status).toBe(400);
    expect(replayed.location).toBeUndefined();
  });
});
