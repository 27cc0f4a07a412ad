import { Browser } from '../support/browser.ts';
import { startTestIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, landedOn, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';

const PHISHING_RESISTANT = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';
const MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/**
 * An application that accepts only a phishing-resistant sign-in (acr_values, or
 * its registered default_acr_values) gets a code only after a passkey; a user without one
 * adds it after their code, then signs in with it. The ID token says so.
 */
describeOnEveryStore('step-up to a passkey', (store) => {
  let idp: TestIdp;
  beforeAll(async () => { idp = await startTestIdp(store); });
  afterAll(() => idp.close());


  test('a user with only an authenticator app: code, then "add a passkey", then the passkey; acr phishing-resistant', async () => {
    const email = `stepup-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { signIn, page: verify } = await signInUntil(idp, browser, 'code-page', { email, params: { acr_values: PHISHING_RESISTANT } });
    const afterCode = await browser.follow((await browser.submit(verify, '/verify/totp', { code: await totpCode(secret) })).location!);
    expect(afterCode.location ?? '').not.toContain('code=');
    expect(text(afterCode)).toContain('Deze toepassing vraagt om een passkey');

    const authenticator = new SoftAuthenticator(idp.issuer);
    const added = await passkeyCeremony(browser, afterCode, '/add-passkey', (o) => authenticator.create(o));
    expect(added.status).toBe(303);
    const askPasskey = await browser.follow(added.location!);
    expect(text(askPasskey)).toContain('Bevestig met je passkey');
    const used = await passkeyCeremony(browser, askPasskey, '/verify/passkey', (o) => authenticator.get(o));
    const claims = (await finishSignIn(signIn, (await browser.follow(used.location!)).location!)).claims()!;
    expect(claims.acr).toBe(PHISHING_RESISTANT);
    expect(claims.amr).toEqual(['pwd', 'swk', 'mfa']);
    expect((await idp.smtp.next(email)).text).toContain('passkey');
  });

  test('single sign-on with a code does not satisfy a passkey-only application: no silent code, and the passkey step without the password again', async () => {
    const email = `stepup-sso-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { signIn: portal, page: verify } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret) });
    const portalClaims = (await finishSignIn(portal, (await browser.follow(done.location!)).location!)).claims()!;
    expect(portalClaims.acr).toBe(MULTI_FACTOR);

    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none', acr_values: PHISHING_RESISTANT })).url);
    expect(silent.location).toMatch(/error=interaction_required/);

    const stepUp = await startSignIn(idp, { acr_values: PHISHING_RESISTANT });
    const page = await browser.follow(stepUp.url);
    expect(landedOn(page)).toBe('add-passkey');
  });

  test('the add-passkey step cannot be reached before the second factor, nor by an application that did not ask', async () => {
    const email = `stepup-guard-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { uid } = await signInUntil(idp, browser, 'code-page', { email, params: { acr_values: PHISHING_RESISTANT } });
    const early = await browser.get(`/interaction/${uid}/add-passkey`);
    expect(early.status).toBe(303);
    expect((await browser.get(`/interaction/${uid}/add-passkey/options`)).status).toBe(409);
  });
});
