import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Browser, type Page } from './browser.ts';
import { CALLBACK, CLIENTS, type TestIdp } from './test-idp.ts';
import { finishSignIn, signInUntil, startSignIn, totpCode, type SignIn, PASSWORD } from './journey.ts';
import { seedAccount } from './seed.ts';

export const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A first-party CBS application registered with a back-channel logout endpoint (as in the README). */
export const application = (clientId: string, backchannelUri: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  // The secret test-idp's clientOf assumes for an id like this.
  client_secret: `${clientId.split('-')[0]}-secret`,
  client_name: clientId,
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  backchannel_logout_uri: backchannelUri,
  backchannel_logout_session_required: true,
  first_party: true,
  ...extra,
});

/** A CLIENTS_FILE with the usual test clients and these applications. */
export function clientsFile(applications: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cbs-idp-logout-')), 'clients.json');
  writeFileSync(file, JSON.stringify([...CLIENTS, ...applications]));
  return file;
}

/** The application's side of a sign-in in `browser`, with offline access: its tokens and its openid-client config. */
export async function signInTo(idp: TestIdp, browser: Browser, clientId: string, account?: { email: string; secret: string; offset?: number }) {
  const params = { scope: 'openid email offline_access', prompt: 'consent' };
  let signIn: SignIn;
  let page: Page;
  if (account) {
    const verify = await signInUntil(idp, browser, 'code-page', { email: account.email, params, clientId });
    const done = await browser.submit(verify.page, '/verify/totp', { code: await totpCode(account.secret, account.offset ?? 0) });
    signIn = verify.signIn;
    page = await browser.follow(done.location!);
  } else {
    // Single sign-on: the browser's session answers at once.
    signIn = await startSignIn(idp, params, clientId);
    page = await browser.follow(signIn.url);
  }
  const tokens = await finishSignIn(signIn, page.location!);
  return { tokens, config: signIn.config, claims: tokens.claims()! };
}

/** A new account with an authenticator app, signed in to `clientId` in a browser of its own (password, then the code of time step `offset`). */
export async function signedInAccount(idp: TestIdp, email: string, clientId = 'portal', offset = 0) {
  const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
  const browser = new Browser(idp.issuer);
  return { browser, secret, ...(await signInTo(idp, browser, clientId, { email, secret, offset })) };
}

/** A logout token as the application must check it (Back-Channel Logout 1.0 §2.6): signature against the JWKS, iss, aud, typ. */
export async function verifiedLogoutToken(idp: TestIdp, token: string, clientId: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: clientId, typ: 'logout+jwt' });
  return payload;
}

export const refreshFails = (config: oidc.Configuration, refreshToken: string) =>
  expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
