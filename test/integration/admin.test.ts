import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, signInUntil, startSignIn, PASSWORD } from '../support/journey.ts';
import { signedInAccount } from '../support/logout-clients.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { endSessions } from '../../src/accounts/operations/sessions.ts';

/** What an administrator's reset-mfa and disable do to a signed-in user. */
describeOnEveryStore('administration', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  /** A full sign-in with offline access: the browser keeps the OP session, the application a refresh token. */
  async function signedIn(email: string) {
    const { browser, tokens, config } = await signedInAccount(idp, email);
    expect(tokens.refresh_token).toBeTruthy();
    return { browser, tokens, config };
  }

  const silentSignIn = async (browser: Browser) => (await browser.follow((await startSignIn(idp, { prompt: 'none' })).url)).location;

  test('refresh tokens rotate for a signed-in user', async () => {
    const { tokens, config } = await signedIn(`rotate-${store}@example.org`);
    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(next.refresh_token).toBeTruthy();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  test('reset-mfa ends sessions and refresh tokens, and sends the user to enrolment after the password', async () => {
    const email = `reset-${store}@example.org`;
    const { browser, tokens, config } = await signedIn(email);
    expect(await silentSignIn(browser)).toMatch(/code=/);

    await accountCommands(idp.app.services, 'reset-mfa', { email });

    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await silentSignIn(browser)).toMatch(/error=login_required/);
    await signInUntil(idp, new Browser(idp.issuer), 'mfa-notice', { email });
  });

  test('userinfo answers a real user, whose password was set by the same path as the link', async () => {
    const { tokens, config } = await signedIn(`userinfo-${store}@example.org`);
    const claims = tokens.claims()!;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.email).toBe(`userinfo-${store}@example.org`);
  });

  test.each([
    ['disable', (email: string) => accountCommands(idp.app.services, 'disable', { email })],
    ['reset-mfa', (email: string) => accountCommands(idp.app.services, 'reset-mfa', { email })],
    [
      'sign out everywhere',
      async (email: string) => {
        await endSessions(idp.app.services, { via: 'self' }, (await idp.app.services.accounts.findByEmail(email))!.id);
      },
    ],
  ])('after %s, introspection says inactive and userinfo refuses, for tokens issued before', async (what, change) => {
    const email = `inactive-${what.replace(/\W/g, '')}-${store}@example.org`;
    const { tokens, config } = await signedIn(email);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);
    await change(email);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeTruthy();
  });

  test('disable ends sessions and refresh tokens, and refuses the password', async () => {
    const email = `disable-${store}@example.org`;
    const { browser, tokens, config } = await signedIn(email);
    await accountCommands(idp.app.services, 'disable', { email });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await silentSignIn(browser)).toMatch(/error=login_required/);
    const fresh = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, fresh, 'login-form');
    const refused = await login(fresh, page, email, PASSWORD);
    expect(refused.status).toBe(401);
    expect(landedOn(refused)).toBe('login-form');
  });
});
