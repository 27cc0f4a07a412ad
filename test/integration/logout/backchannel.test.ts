import { Writable } from 'node:stream';
import * as oidc from 'openid-client';
import { pino } from 'pino';
import type { Browser } from '../../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore, CALLBACK } from '../../support/test-idp.ts';
import { closedPort, startLogoutReceiver, type LogoutReceiver } from '../../support/logout-receiver.ts';
import { application, BACKCHANNEL_EVENT, clientsFile, refreshFails, signedInAccount, signInTo, verifiedLogoutToken } from '../../support/logout-clients.ts';

/**
 * One sign-out for every CBS application: applications registered with a
 * back-channel endpoint are told, with a signed logout token, when the user
 * signs out through any of them — and a slow or absent one never holds up
 * the user's sign-out page.
 */
describeOnEveryStore('back-channel logout on sign-out through an application', (store) => {
  let idp: TestIdp;
  let a: LogoutReceiver, b: LogoutReceiver, hanging: LogoutReceiver, flaky: LogoutReceiver;
  const logLines: string[] = [];
  beforeAll(async () => {
    [a, b, hanging, flaky] = await Promise.all([startLogoutReceiver(), startLogoutReceiver(), startLogoutReceiver('hang'), startLogoutReceiver('down-once')]);
    const file = clientsFile([
      application('research-a', a.url),
      application('research-b', b.url),
      application('slow-app', hanging.url),
      application('gone-app', `http://127.0.0.1:${await closedPort()}/backchannel-logout`),
      application('flaky-app', flaky.url),
    ]);
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    );
    idp = await bootIdp({ store, env: { CLIENTS_FILE: file }, deps: { log, logoutRetryDelaysMs: [50, 100] } });
  });
  afterAll(async () => {
    await Promise.all([a, b, hanging, flaky].map((r) => r.close()));
    await idp.close();
  });

  /** Signed in to research-a (password and code), then to the others by single sign-on in the same browser. */
  async function signedInTo(email: string, others: string[]) {
    const { browser, ...first } = await signedInAccount(idp, email, 'research-a');
    const rest = [];
    for (const clientId of others) rest.push(await signInTo(idp, browser, clientId));
    return { browser, first, rest };
  }

  /** The user answers "Log out" on the provider's page, reached from research-a's sign-out link. */
  async function signOutThroughA(browser: Browser, idToken: string, config: oidc.Configuration) {
    const confirm = await browser.follow(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: CALLBACK }).toString());
    return browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
  }

  const counted = async (outcome: string) => {
    const metric = (await idp.app.metrics.getMetricsAsJSON()).find((m) => m.name === 'idp_backchannel_logouts_total');
    return (metric?.values ?? []).filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
  };

  test('the other application receives a valid logout token naming the user and its session, and its refresh token is dead', async () => {
    const {
      browser,
      first,
      rest: [other],
    } = await signedInTo(`rp-logout-${store}@example.org`, ['research-b']);
    const received = b.tokens.length;
    const signedOut = await signOutThroughA(browser, first.tokens.id_token!, first.config);
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback/);

    const payload = await verifiedLogoutToken(idp, await b.token(received + 1), 'research-b');
    expect(payload.events).toEqual({ [BACKCHANNEL_EVENT]: {} });
    expect(payload.sub).toBe(other!.claims.sub);
    expect(payload.sid).toBe(other!.claims.sid);
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.jti).toBeTruthy();
    await refreshFails(other!.config, other!.tokens.refresh_token!);
    await refreshFails(first.config, first.tokens.refresh_token!);
  });

  test('every ID token carries the session id (sid), a different one per application', async () => {
    const {
      first,
      rest: [other],
    } = await signedInTo(`sid-${store}@example.org`, ['research-b']);
    expect(first.claims.sid).toEqual(expect.any(String));
    expect(other!.claims.sid).toEqual(expect.any(String));
    expect(other!.claims.sid).not.toBe(first.claims.sid);
  });

  test('the sign-out page answers without waiting for a hanging endpoint, and a refused one fails quietly, logged and counted', async () => {
    const { browser, first } = await signedInTo(`unreachable-${store}@example.org`, ['slow-app', 'gone-app']);
    const before = a.tokens.length;
    const failedBefore = await counted('failed');

    const signedOut = await signOutThroughA(browser, first.tokens.id_token!, first.config);
    expect(signedOut.status).toBe(303);
    // The hanging endpoint got its token after the page answered, and the provider has not given up on it yet.
    const held = await hanging.heldRequest();
    expect(held.abandoned).toBe(false);
    await a.token(before + 1);

    const start = Date.now();
    while ((await counted('failed')) === failedBefore) {
      if (Date.now() - start > 10_000) throw new Error('the refused delivery was never given up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const log = logLines.join('');
    expect(log).toMatch(/"clientId":"gone-app".*back-channel logout not delivered; gave up/);
    expect(log).toContain('ECONNREFUSED');
    expect(log).not.toContain(a.tokens[before]!.split('.')[1]!);
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  test('an application that was down when the user signed out gets the token on a retry', async () => {
    const {
      browser,
      first,
      rest: [flakyApp],
    } = await signedInTo(`retry-${store}@example.org`, ['flaky-app']);
    const retriedBefore = await counted('retried');
    await signOutThroughA(browser, first.tokens.id_token!, first.config);
    const payload = await verifiedLogoutToken(idp, await flaky.token(), 'flaky-app');
    expect(flaky.refusals()).toBe(1);
    expect(payload.sid).toBe(flakyApp!.claims.sid);
    expect(await counted('retried')).toBeGreaterThan(retriedBefore);
    expect(await counted('delivered')).toBeGreaterThanOrEqual(2);
  });
});
