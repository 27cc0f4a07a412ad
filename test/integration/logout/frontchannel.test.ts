import * as oidc from 'openid-client';
import { Browser } from '../../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore, CALLBACK } from '../../support/test-idp.ts';
import { PASSWORD, startSignIn, text } from '../../support/journey.ts';
import { seedAccount } from '../../support/seed.ts';
import { clientsFile, signInTo } from '../../support/logout-clients.ts';
import { validateFrontchannelMetadata } from '../../../src/logout/frontchannel.ts';
import { msg } from '../../support/messages.ts';

/** A browser-only CBS application: no back channel, only a front-channel logout page. */
const browserApp = (clientId: string, frontchannel: Record<string, unknown>) => ({
  client_id: clientId,
  client_secret: `${clientId.split('-')[0]}-secret`,
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  first_party: true,
  ...frontchannel,
});

/**
 * Front-Channel Logout 1.0: after "Log out" the browser loads each signed-in
 * application's front-channel logout page (with iss and sid when it asked), then
 * goes on to where the application wanted it.
 */
/** Why a registration value is refused (the provider's error_description), or undefined when it is accepted. */
const refusal = (key: string, value: unknown) => {
  try {
    validateFrontchannelMetadata(key, value);
    return undefined;
  } catch (err) {
    return (err as { error_description?: string }).error_description;
  }
};

test('a front-channel URI must be an http(s) URL without a fragment', () => {
  for (const bad of ['javascript:alert(1)', 'ftp://x.example/', 'https://x.example/#f', 42]) {
    expect(refusal('frontchannel_logout_uri', bad)).toMatch(/frontchannel_logout_uri must be an http\(s\) URL/);
  }
  expect(refusal('frontchannel_logout_uri', 'https://x.example/logout')).toBeUndefined();
  expect(refusal('frontchannel_logout_session_required', 'yes')).toMatch(/boolean/);
});

describeOnEveryStore('front-channel logout', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    const file = clientsFile([
      browserApp('viewer-app', { frontchannel_logout_uri: 'https://viewer.example/logout', frontchannel_logout_session_required: true }),
      browserApp('plain-app', { frontchannel_logout_uri: 'https://plain.example/signed-out' }),
    ]);
    idp = await bootIdp({ store, env: { CLIENTS_FILE: file } });
  });
  afterAll(() => idp.close());

  test('every signed-in application is loaded in a frame, with iss and sid where asked; then on to the application', async () => {
    const email = `frontchannel-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const viewer = await signInTo(idp, browser, 'viewer-app', { email, secret });
    await signInTo(idp, browser, 'plain-app');

    const confirm = await browser.follow(
      oidc.buildEndSessionUrl(viewer.config, { id_token_hint: viewer.tokens.id_token!, post_logout_redirect_uri: CALLBACK }).toString(),
    );
    const page = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(page.status).toBe(200);
    expect(text(page)).toContain(msg('logout.frontchannel'));
    const frames = [...page.html.matchAll(/<iframe[^>]*src="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&')));
    const viewerFrame = frames.find((u) => u.origin === 'https://viewer.example')!;
    expect(viewerFrame.searchParams.get('iss')).toBe(idp.issuer);
    expect(viewerFrame.searchParams.get('sid')).toBe(viewer.claims.sid);
    expect(frames.find((u) => u.origin === 'https://plain.example')!.search).toBe('');
    expect(page.html).toContain(`url=${CALLBACK}`);
    expect((await browser.follow((await startSignIn(idp, { prompt: 'none' }, 'viewer-app')).url)).location).toMatch(/error=login_required/);
  });
});
