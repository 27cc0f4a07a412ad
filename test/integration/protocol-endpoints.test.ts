import { protocolEndpoints } from '../../src/oidc/protocol-endpoints.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';

/** The endpoints that go past our page middleware are exactly the ones discovery names for applications. */
describe('protocol endpoints', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp();
  });
  afterAll(() => idp.close());

  test('are the token, userinfo, introspection, revocation and key endpoints discovery names, and discovery itself', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const named = ['token_endpoint', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'jwks_uri'].map(
      (k) => new URL(discovery[k]!).pathname,
    );
    expect([...protocolEndpoints(idp.app.services.provider)].sort()).toEqual([...named, '/.well-known/openid-configuration'].sort());
  });

  test('still answer with the headers every response gets, and set no cookie of our pages', async () => {
    const res = await fetch(`${idp.issuer}/token?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=nonsense',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.any(String) });
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  test('a page still gets its language and its error page', async () => {
    const res = await fetch(`${idp.issuer}/no-such-page?lang=en`);
    expect(res.status).toBe(404);
    expect(res.headers.get('set-cookie')).toContain('idp.lang=en');
    expect(await res.text()).toContain('<html');
  });
});
