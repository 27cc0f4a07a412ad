import * as oidc from 'openid-client';
import { Browser } from '../../support/browser.ts';
import {
  authorizationRequest,
  browse,
  clientKey,
  confidential,
  errorSentBack,
  relyingParty,
  researcher,
  startNlgovIdp,
  type ClientKey,
  type NlgovIdp,
  type RelyingParty,
} from './nlgov-idp.ts';

/**
 * OIDC NL GOV 1.0.1 › Flow (authorization code only) and OpenID Provider
 * profile (PKCE, S256 only, a verifier of 43 to 128 characters, for every
 * client); OpenID Client profile › Authentication Request (nonce and state REQUIRED).
 */
describe('NL GOV: Flow and PKCE', () => {
  let idp: NlgovIdp;
  let key: ClientKey;
  let portal: RelyingParty;
  let spa: RelyingParty;
  beforeAll(async () => {
    key = await clientKey();
    idp = await startNlgovIdp([
      confidential('portal', key),
      { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:11/callback'], first_party: true },
      { client_id: 'desktop', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'], first_party: true },
    ]);
    portal = await relyingParty(idp, 'portal', key);
    spa = await relyingParty(idp, 'spa', undefined, {}, 'http://127.0.0.1:11/callback');
  });
  afterAll(() => idp.close());

  test('Flow: only response_type code is offered; implicit and hybrid requests are refused', async () => {
    expect(portal.config.serverMetadata().response_types_supported).toEqual(['code']);
    for (const responseType of ['id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token']) {
      const request = await authorizationRequest(portal, { response_type: responseType });
      const page = await new Browser(idp.issuer).get(request.url);
      expect(errorSentBack(page)).toBe('unsupported_response_type');
    }
  });

  test('PKCE is required of confidential and public clients alike, with S256 only', async () => {
    expect(portal.config.serverMetadata().code_challenge_methods_supported).toEqual(['S256']);
    for (const rp of [portal, spa]) {
      const without = new URL((await authorizationRequest(rp)).url);
      without.searchParams.delete('code_challenge');
      without.searchParams.delete('code_challenge_method');
      expect(errorSentBack(await new Browser(idp.issuer).get(without.toString()))).toBe('invalid_request');
      const plain = new URL((await authorizationRequest(rp)).url);
      plain.searchParams.set('code_challenge_method', 'plain');
      expect(errorSentBack(await new Browser(idp.issuer).get(plain.toString()))).toBe('invalid_request');
    }
  });

  test('the code verifier must be 43 to 128 characters: 42 and 129 are refused, 43 and 128 accepted', async () => {
    const who = await researcher(idp, 'pkce@example.org');
    const browser = new Browser(idp.issuer);
    const redeem = async (length: number) => {
      const request = await authorizationRequest(portal, {}, 'v'.repeat(length));
      // Signed in once: later requests of the same browser come straight back with a code.
      const back = await browse(browser, request.url, who);
      return oidc.authorizationCodeGrant(portal.config, new URL(back.location!), {
        pkceCodeVerifier: request.verifier,
        expectedNonce: request.nonce,
        expectedState: request.state,
      });
    };
    for (const length of [42, 129]) await expect(redeem(length)).rejects.toMatchObject({ error: 'invalid_request' });
    for (const length of [43, 128]) expect((await redeem(length)).id_token).toBeTruthy();
  });

  test('a code redeemed with another verifier than its challenge is refused, and PKCE protects the public client too', async () => {
    const who = await researcher(idp, 'pkce-spa@example.org');
    const request = await authorizationRequest(spa);
    const back = await browse(new Browser(idp.issuer), request.url, who);
    await expect(
      oidc.authorizationCodeGrant(spa.config, new URL(back.location!), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedNonce: request.nonce,
        expectedState: request.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test("Dynamic Registration › redirect_uris: a native application's loopback redirect URI may use any port", async () => {
    const desktop = await relyingParty(idp, 'desktop', undefined, {}, 'http://127.0.0.1:53124/callback');
    const page = await new Browser(idp.issuer).get((await authorizationRequest(desktop)).url);
    expect(page.location).toMatch(new RegExp(`^${idp.issuer}/interaction/`));
    const elsewhere = await relyingParty(idp, 'desktop', undefined, {}, 'http://127.0.0.1:53124/other');
    expect((await new Browser(idp.issuer).get((await authorizationRequest(elsewhere)).url)).status).toBe(400);
  });

  test('Token Request: a code is redeemed once; the second attempt is refused', async () => {
    const who = await researcher(idp, 'code-twice@example.org');
    const request = await authorizationRequest(portal);
    const back = await browse(new Browser(idp.issuer), request.url, who);
    const checks = { pkceCodeVerifier: request.verifier, expectedNonce: request.nonce, expectedState: request.state };
    expect((await oidc.authorizationCodeGrant(portal.config, new URL(back.location!), checks)).id_token).toBeTruthy();
    await expect(oidc.authorizationCodeGrant(portal.config, new URL(back.location!), checks)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('Authentication Request: nonce and state are required', async () => {
    for (const name of ['nonce', 'state']) {
      const url = new URL((await authorizationRequest(portal)).url);
      url.searchParams.delete(name);
      const page = await new Browser(idp.issuer).get(url.toString());
      expect(errorSentBack(page)).toBe('invalid_request');
      expect(new URL(page.location!).searchParams.get('error_description')).toBe(`${name} is required by the NL GOV profile`);
    }
  });
});
