import * as oidc from 'openid-client';
import { Browser } from '../../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore, CALLBACK } from '../../support/test-idp.ts';
import { PASSWORD, text } from '../../support/journey.ts';
import { seedStaff, signInToConsole } from '../../support/staff.ts';
import { seedAccount } from '../../support/seed.ts';
import { clientsFile, refreshFails, signInTo } from '../../support/logout-clients.ts';

/** A browser-only application with a front-channel logout page, and offline access. */
const viewer = {
  client_id: 'viewer-app',
  client_secret: 'viewer-secret',
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  first_party: true,
  frontchannel_logout_uri: 'https://viewer.example/logout',
};

/**
 * "Log out" on the provider's page ends every grant of the session, offline
 * access included, whichever page the browser is shown after it: the
 * front-channel page (200) or the redirect to the application (303).
 */
describeOnEveryStore('log out ends offline access', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store, env: { CLIENTS_FILE: clientsFile([viewer]) } });
  });
  afterAll(() => idp.close());

  /** Signed in to each application in turn in one browser (password and code for the first), each holding a refresh token. */
  async function signedInTo(email: string, clientIds: string[]) {
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const applications = [await signInTo(idp, browser, clientIds[0]!, { email, secret })];
    for (const clientId of clientIds.slice(1)) applications.push(await signInTo(idp, browser, clientId));
    for (const { tokens } of applications) expect(tokens.refresh_token).toEqual(expect.any(String));
    return { browser, applications };
  }

  async function logOut(browser: Browser, through: Awaited<ReturnType<typeof signInTo>>, params: Record<string, string>) {
    const url = oidc.buildEndSessionUrl(through.config, { id_token_hint: through.tokens.id_token!, ...params }).toString();
    return browser.submit(await browser.follow(url), '/session/end/confirm', { logout: 'yes' });
  }

  test.each([
    ['with a front-channel application in the session (its logout page is shown)', ['viewer-app', 'portal'], 200],
    ['with only applications without a logout channel (the browser is sent on)', ['portal'], 303],
  ])('%s, no refresh token mints another token after "Log out"', async (_what, clientIds, status) => {
    const { browser, applications } = await signedInTo(`offline-${clientIds.join('-')}-${store}@example.org`, clientIds as string[]);
    const page = await logOut(browser, applications[0]!, { post_logout_redirect_uri: CALLBACK });
    expect(page.status).toBe(status);
    for (const { config, tokens } of applications) await refreshFails(config, tokens.refresh_token!);
  });

  test('without a post_logout_redirect_uri too (the provider\'s own "logged out" page)', async () => {
    const { browser, applications } = await signedInTo(`offline-plain-${store}@example.org`, ['portal', 'viewer-app']);
    await logOut(browser, applications[0]!, {});
    for (const { config, tokens } of applications) await refreshFails(config, tokens.refresh_token!);
  });

  test('the account\'s history says which application asked for the "Log out", and that it was of every application', async () => {
    const email = `history-logout-${store}@example.org`;
    const { browser, applications } = await signedInTo(email, ['viewer-app', 'portal']);
    await logOut(browser, applications[1]!, { post_logout_redirect_uri: CALLBACK });
    await idp.app.settled();
    const id = (await idp.app.services.accounts.findByEmail(email))!.id;
    const [latest] = await idp.app.services.audit.history(id);
    expect(latest).toMatchObject({ event: 'logout.success', via: 'self', application: 'portal', everywhere: true });

    const desk = await seedStaff(idp, `history-logout-desk-${store}@example.org`, ['helpdesk']);
    const { browser: console } = await signInToConsole(idp, `history-logout-desk-${store}@example.org`, desk.secret, -1);
    expect(text(await console.get(`/admin/accounts/${id}`))).toMatch(/: uitgelogd, door de gebruiker zelf; gevraagd door portal; bij alle applicaties/);
  });
});
