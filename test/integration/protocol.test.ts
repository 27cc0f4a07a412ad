import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, CALLBACK, type TestIdp } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, startSignIn, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { msg } from '../support/messages.ts';

/** The provider itself, as an application sees it: discovery, PKCE, client credentials, introspection. */
describe('OpenID Connect provider', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store: 'sqlite' });
  });
  afterAll(() => idp.close());

  test('discovery offers the code flow with S256 PKCE only, and no implicit or password grant', async () => {
    const meta = (await idp.client()).serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.grant_types_supported).not.toContain('password');
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']));
    expect(meta.introspection_endpoint).toBeDefined();
    expect(meta.revocation_endpoint).toBeDefined();
    expect(meta.end_session_endpoint).toBeDefined();
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: { alg: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  test('an authorization request with PKCE reaches our login page', async () => {
    const browser = new Browser(idp.issuer);
    const page = await browser.follow((await startSignIn(idp)).url);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.html).toContain(msg('login.username'));
  });

  test('an authorization request without PKCE is refused', async () => {
    const url = new URL((await startSignIn(idp)).url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const page = await new Browser(idp.issuer).get(url.toString());
    expect(page.location).toMatch(/error=invalid_request/);
  });

  test('a confidential client gets a client_credentials token, and introspection says it is active', async () => {
    const service = await idp.client('service', 'service-secret');
    const token = await oidc.clientCredentialsGrant(service, {});
    expect(token.access_token).toBeTruthy();
    const introspection = await oidc.tokenIntrospection(service, token.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.client_id).toBe('service');
    await oidc.tokenRevocation(service, token.access_token);
    expect((await oidc.tokenIntrospection(service, token.access_token)).active).toBe(false);
  });

  test('health and readiness answer', async () => {
    expect((await fetch(`${idp.issuer}/healthz`)).status).toBe(200);
    const ready = await fetch(`${idp.issuer}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'sqlite' });
  });
});

describe('signed-in user', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store: 'redis' });
  });
  afterAll(() => idp.close());

  test('userinfo answers for the access token, and RP-initiated logout ends the session', async () => {
    const email = 'userinfo@example.org';
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { signIn, page: verify } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret) });
    const tokens = await finishSignIn(signIn, (await browser.follow(done.location!)).location!);
    const claims = tokens.claims()!;

    const userinfo = await oidc.fetchUserInfo(signIn.config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email, name: 'Test Researcher' });

    const logout = oidc.buildEndSessionUrl(signIn.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: CALLBACK }).toString();
    const confirm = await browser.follow(logout);
    expect(confirm.status).toBe(200);
    const ended = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(ended.location).toBe(CALLBACK);
    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none' })).url);
    expect(silent.location).toMatch(/error=login_required/);
  });
});
