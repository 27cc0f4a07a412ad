import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, startSignIn, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';

/**
 * A token says only what its client may have: the scim scope is granted by
 * client_credentials to a client registered for it, and to nobody else; a
 * user's token never carries it, and SCIM answers such a token with 403.
 */
describeOnEveryStore('scopes', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  const scimWith = (token: string) => fetch(`${idp.issuer}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });

  test('client_credentials: a client not registered for scim gets no scim token, whatever it asks', async () => {
    for (const scope of ['scim', 'openid scim', 'scim email']) {
      await expect(oidc.clientCredentialsGrant(await idp.client('service'), { scope })).rejects.toMatchObject({ error: 'invalid_scope' });
    }
    const registered = await oidc.clientCredentialsGrant(await idp.client('provisioner'), { scope: 'scim' });
    expect(registered.scope).toBe('scim');
  });

  test('a user sign-in asking for scim is refused; the tokens of a sign-in never say scim', async () => {
    const email = `scopes-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const asked = await browser.follow((await startSignIn(idp, { scope: 'openid email scim' })).url);
    expect(asked.location).toMatch(/[?&]error=invalid_scope/);

    const { signIn, page } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret) });
    const tokens = await finishSignIn(signIn, (await browser.follow(done.location!)).location!);
    expect(tokens.scope?.split(' ')).not.toContain('scim');
    const introspected = await oidc.tokenIntrospection(signIn.config, tokens.access_token);
    expect(String(introspected.scope).split(' ')).not.toContain('scim');

    // A user's valid access token at SCIM: docs/scim.md's 403 insufficient_scope, not "no valid token".
    const res = await scimWith(tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});
