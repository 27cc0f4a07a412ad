import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';
import { refreshFails } from '../support/logout-clients.ts';
import { GRANTS_KEPT } from '../../src/accounts/grants.ts';

const SIGN_INS = 120;

/**
 * A user cannot grow their own account record without limit by signing in
 * again and again (each sign-in makes a grant the account keeps track of),
 * and whatever the bound drops, signing out everywhere still ends.
 */
describeOnEveryStore('many sign-ins of one account', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  /** A sign-in to the portal with offline access in a browser of its own, by passkey alone. */
  async function passkeySignIn(authenticator: SoftAuthenticator, from?: string) {
    const browser = new Browser(idp.issuer);
    const reached = await signInUntil(idp, browser, 'login-form', from ? { from } : { params: { scope: 'openid email offline_access', prompt: 'consent' } });
    const signedIn = await passkeyCeremony(browser, reached.page, '/passkey', (o) => authenticator.get(o));
    expect(signedIn.status).toBe(303);
    const back = await browser.follow(signedIn.location!);
    return {
      browser,
      back,
      tokens: 'signIn' in reached && reached.signIn ? await finishSignIn(reached.signIn, back.location!) : undefined,
      config: 'signIn' in reached ? reached.signIn?.config : undefined,
    };
  }

  test(`${SIGN_INS} sign-ins leave a bounded record, and signing out everywhere ends every token that still works`, async () => {
    const email = `many-sign-ins-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const authenticator = new SoftAuthenticator(idp.issuer);
    const enrolment = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, enrolment, 'passkey-enrol', { email });
    expect((await passkeyCeremony(enrolment, page, '/enrol/passkey', (o) => authenticator.create(o))).status).toBe(200);

    const held: { config: oidc.Configuration; refreshToken: string; accessToken: string }[] = [];
    for (let i = 0; i < SIGN_INS; i++) {
      const { tokens, config } = await passkeySignIn(authenticator);
      held.push({ config: config!, refreshToken: tokens!.refresh_token!, accessToken: tokens!.access_token });
    }
    const account = (await idp.app.services.accounts.findByEmail(email))!;
    expect(account.grants!.length).toBeLessThanOrEqual(GRANTS_KEPT);

    // What the bound let go of was ended first: no token works that signing out everywhere could no longer reach.
    const forgotten = held.slice(0, SIGN_INS - GRANTS_KEPT);
    for (const { config, refreshToken } of forgotten) await refreshFails(config, refreshToken);
    // The newest sign-ins still work; their tokens are what signing out everywhere must end.
    const newest = held.at(-1)!;
    const refreshed = await oidc.refreshTokenGrant(newest.config, newest.refreshToken);
    held.push({ config: newest.config, refreshToken: refreshed.refresh_token!, accessToken: refreshed.access_token });

    const mine = await passkeySignIn(authenticator, '/account');
    const confirmed = await passkeyCeremony(mine.browser, await mine.browser.get('/account'), '/account/confirm/passkey', (o) => authenticator.get(o));
    expect(confirmed.status).toBe(303);
    expect((await mine.browser.submit(await mine.browser.get('/account'), '/account/sign-out-everywhere', {})).status).toBe(200);

    for (const { config, refreshToken, accessToken } of held) {
      await refreshFails(config, refreshToken);
      await expect(oidc.fetchUserInfo(config, accessToken, oidc.skipSubjectCheck)).rejects.toThrow();
    }
  });
});
