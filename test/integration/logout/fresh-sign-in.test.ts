import type { Browser } from '../../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../../support/test-idp.ts';
import { finishSignIn, signInUntil, startSignIn, totpCode } from '../../support/journey.ts';
import { signedInAccount } from '../../support/logout-clients.ts';
import { useClock } from '../../../src/clock.ts';

/**
 * An application that asks for a fresh sign-in (prompt=login, or max_age
 * exceeded) gets both factors again, and an ID token that says when and how.
 */
describeOnEveryStore('a fresh sign-in asks both factors', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  async function signedIn(email: string) {
    const { browser, secret, claims } = await signedInAccount(idp, email, 'portal', -1);
    return { browser, secret, first: claims };
  }

  /** The application asks again with `params`: password, then (asserted by signInUntil) the code page, then the ID token. */
  async function signInAgain(browser: Browser, email: string, secret: string, params: Record<string, string>) {
    const { signIn, page: verify } = await signInUntil(idp, browser, 'code-page', { email, params });
    const done = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret, 1) });
    return (await finishSignIn(signIn, (await browser.follow(done.location!)).location!)).claims()!;
  }

  test('prompt=login: password and second factor again, and a new auth_time', async () => {
    const email = `prompt-login-${store}@example.org`;
    const { browser, secret, first } = await signedIn(email);
    const restore = useClock({ nowMs: () => Date.now() + 2_000 });
    try {
      const again = await signInAgain(browser, email, secret, { prompt: 'login' });
      expect(again.amr).toEqual(['pwd', 'otp', 'mfa']);
      expect(again.auth_time).toBeGreaterThan(first.auth_time!);
    } finally {
      restore();
    }
  });

  test('max_age exceeded: password and second factor again; within max_age, single sign-on', async () => {
    const email = `max-age-${store}@example.org`;
    const { browser, secret, first } = await signedIn(email);
    const within = await browser.follow((await startSignIn(idp, { max_age: '600' })).url);
    expect(within.location).toMatch(/code=/);

    // The provider measures max_age on the real clock, in whole seconds; a sign-in right after
    // the seeded password reset is stamped up to a second ahead (signInTime).
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const again = await signInAgain(browser, email, secret, { max_age: '1' });
    expect(again.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(again.auth_time).toBeGreaterThanOrEqual(first.auth_time! + 2);
  });
});
