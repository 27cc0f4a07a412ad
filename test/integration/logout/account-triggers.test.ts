import { Browser } from '../../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../../support/test-idp.ts';
import { signInUntil, totpCode, PASSWORD } from '../../support/journey.ts';
import { startLogoutReceiver, type LogoutReceiver } from '../../support/logout-receiver.ts';
import { application, BACKCHANNEL_EVENT, clientsFile, refreshFails, signedInAccount, signInTo, verifiedLogoutToken } from '../../support/logout-clients.ts';
import { accountCommands } from '../../../src/cli/accounts.ts';

const NEW_PASSWORD = 'another fine passphrase 2';

/**
 * Account-wide sign-outs reach every application too: signing out everywhere,
 * a new password on My account (which keeps the browser it was set in), and an
 * administrator's disable or reset-mfa.
 */
describeOnEveryStore('back-channel logout when the account signs out everywhere', (store) => {
  let idp: TestIdp;
  let a: LogoutReceiver, b: LogoutReceiver;
  beforeAll(async () => {
    [a, b] = await Promise.all([startLogoutReceiver(), startLogoutReceiver()]);
    const file = clientsFile([application('research-a', a.url), application('research-b', b.url)]);
    idp = await bootIdp({ store, env: { CLIENTS_FILE: file } });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await idp.close();
  });

  /** Signed in to both applications in one browser (the code of time step `offset`). */
  async function signedInToBoth(email: string) {
    const { browser, secret, ...first } = await signedInAccount(idp, email, 'research-a');
    const second = await signInTo(idp, browser, 'research-b');
    return { secret, first, second };
  }

  /** My account in another browser, the second factor confirmed for changes. */
  async function confirmedOnMyAccount(email: string, secret: string) {
    const browser = new Browser(idp.issuer);
    const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, from: '/account' });
    const page = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
    const confirmed = await browser.submit(page, '/account/confirm/code', { code: await totpCode(secret, 1) });
    return { browser, page: await browser.follow(confirmed.location!) };
  }

  /** The logout tokens each application received naming this user, after everything queued was delivered. */
  async function logoutTokensFor(sub: string) {
    await idp.app.logoutsAttempted();
    const named = async (receiver: LogoutReceiver, clientId: string) =>
      (await Promise.all(receiver.tokens.map((t) => verifiedLogoutToken(idp, t, clientId)))).filter((p) => p.sub === sub);
    return { a: await named(a, 'research-a'), b: await named(b, 'research-b') };
  }

  test.each([
    [
      'sign out everywhere on My account',
      async (email: string, secret: string) => {
        const { browser, page } = await confirmedOnMyAccount(email, secret);
        expect((await browser.submit(page, '/account/sign-out-everywhere', {})).status).toBe(200);
      },
    ],
    ['disable (CLI)', (email: string) => accountCommands(idp.app.services, 'disable', { email })],
    ['reset-mfa (CLI)', (email: string) => accountCommands(idp.app.services, 'reset-mfa', { email })],
  ])('after %s, both applications receive a logout token for their session, and their refresh tokens are dead', async (what, trigger) => {
    const email = `everywhere-${what.replace(/\W/g, '')}-${store}@example.org`;
    const { secret, first, second } = await signedInToBoth(email);
    await trigger(email, secret);

    const received = await logoutTokensFor(first.claims.sub);
    expect(received.a.map((p) => p.sid)).toEqual([first.claims.sid]);
    expect(received.b.map((p) => p.sid)).toEqual([second.claims.sid]);
    for (const payload of [...received.a, ...received.b]) {
      expect(payload.events).toEqual({ [BACKCHANNEL_EVENT]: {} });
      expect(payload).not.toHaveProperty('nonce');
    }
    await refreshFails(first.config, first.tokens.refresh_token!);
    await refreshFails(second.config, second.tokens.refresh_token!);
  });

  test('a new password on My account signs the other browser out of both applications, and keeps its own', async () => {
    const email = `password-${store}@example.org`;
    const { secret, first, second } = await signedInToBoth(email);
    const mine = await confirmedOnMyAccount(email, secret);
    const kept = await signInTo(idp, mine.browser, 'research-b');

    const form = await mine.browser.get('/account/password');
    expect((await mine.browser.submit(form, '/account/password', { current_password: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(
      200,
    );

    const received = await logoutTokensFor(first.claims.sub);
    expect(received.a.map((p) => p.sid)).toEqual([first.claims.sid]);
    expect(received.b.map((p) => p.sid)).toEqual([second.claims.sid]);
    expect(received.b.map((p) => p.sid)).not.toContain(kept.claims.sid);
    await refreshFails(second.config, second.tokens.refresh_token!);
  });
});
