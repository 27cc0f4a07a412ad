import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { startTestIdp, type TestIdp } from '../support/test-idp.ts';
import { startSignIn } from '../support/journey.ts';

/** The provider itself, as an application sees it: discovery, PKCE, client credentials, introspection. */
describe('OpenID Connect provider', () => {
  let idp: TestIdp;
  beforeAll(async () => { idp = await startTestIdp('sqlite'); });
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
    const jwks = await (await fetch(meta.jwks_uri!)).json() as { keys: { alg: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  test('an authorization request with PKCE reaches our login page', async () => {
    const browser = new Browser(idp.issuer);
    const page = await browser.follow((await startSignIn(idp)).url);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.html).toContain('Gebruikersnaam');
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
