import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';

/**
 * Tokens without offline access live as long as the browser's session: the
 * provider finds that session by its uid, and the service reads it by the id
 * the token was written with where that still holds (src/oidc/session-hint.ts).
 * A token keeps working when its session signs in again (the session's id
 * changes, its uid stays) and stops at "Log out", whichever way it was found.
 */
describeOnEveryStore('tokens bound to the browser session', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  /** A sign-in to the portal in `browser` with both factors (the code of time step `step`), and its tokens. */
  async function signIn(browser: Browser, email: string, secret: string, step: number, params: Record<string, string> = {}) {
    const { signIn: started, page } = await signInUntil(idp, browser, 'code-page', { email, params: { scope: 'openid email', ...params } });
    const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret, step) });
    const tokens = await finishSignIn(started, (await browser.follow(done.location!)).location!);
    return { config: started.config, tokens };
  }
  const userinfo = ({ config, tokens }: Awaited<ReturnType<typeof signIn>>) => oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck);

  test('work after the session signs in again, and not after "Log out"', async () => {
    const email = `bound-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const first = await signIn(browser, email, secret, -1);
    expect(first.tokens.refresh_token).toBeUndefined();
    expect((await userinfo(first)).email).toBe(email);

    // prompt=login: both factors again, in the same session, which gets a new id.
    const again = await signIn(browser, email, secret, 0, { prompt: 'login' });
    expect((await userinfo(first)).email).toBe(email);
    expect((await userinfo(again)).email).toBe(email);

    const logout = oidc.buildEndSessionUrl(again.config, { id_token_hint: again.tokens.id_token! }).toString();
    await browser.submit(await browser.follow(logout), '/session/end/confirm', { logout: 'yes' });
    for (const signedIn of [first, again]) await expect(userinfo(signedIn)).rejects.toThrow();
  });
});
