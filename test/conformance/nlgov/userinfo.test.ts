import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { confidential, keysFor, relyingParty, researcher, signIn, startNlgovIdp, verified, type ClientKey, type NlgovIdp } from './nlgov-idp.ts';

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › UserInfo Endpoint (JWT
 * responses, at least `sub`), and User Info › Claims Request (the `claims`
 * parameter, for data minimisation) and Claims Response (what was asked, no more).
 */
describe('NL GOV: UserInfo Endpoint and Claims Request', () => {
  let idp: NlgovIdp;
  let keys: Record<'portal' | 'signed-userinfo', ClientKey>;
  beforeAll(async () => {
    keys = await keysFor('portal', 'signed-userinfo');
    idp = await startNlgovIdp([
      confidential('portal', keys['portal']),
      confidential('signed-userinfo', keys['signed-userinfo'], { userinfo_signed_response_alg: 'PS256' }),
    ]);
  });
  afterAll(() => idp.close());

  test('a client registered with userinfo_signed_response_alg gets UserInfo as a JWT signed by the provider, with iss, aud and the pairwise sub', async () => {
    const rp = await relyingParty(idp, 'signed-userinfo', keys['signed-userinfo']);
    const { tokens } = await signIn(rp, await researcher(idp, 'signed-userinfo@example.org'), { params: { scope: 'openid email' } });
    const response = await fetch(rp.config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(response.headers.get('content-type')).toMatch(/^application\/jwt/);
    const { payload, alg } = await verified(idp, await response.text(), 'signed-userinfo');
    expect(alg).toBe('PS256');
    expect(payload).toMatchObject({ iss: idp.issuer, aud: 'signed-userinfo', sub: decodeJwt(tokens.id_token!).sub, email: 'signed-userinfo@example.org' });
  });

  test('the claims parameter: essential claims asked for in the ID token and at UserInfo are given there, and nothing the scope and the request did not ask', async () => {
    const rp = await relyingParty(idp, 'portal', keys['portal']);
    expect(rp.config.serverMetadata().claims_parameter_supported).toBe(true);
    const claims = { id_token: { email: { essential: true } }, userinfo: { name: { essential: true } } };
    const { tokens } = await signIn(rp, await researcher(idp, 'claims-request@example.org'), { params: { scope: 'openid', claims: JSON.stringify(claims) } });
    const idToken = decodeJwt(tokens.id_token!);
    expect(idToken.email).toBe('claims-request@example.org');
    expect(idToken).not.toHaveProperty('name');
    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, idToken.sub!);
    expect(userinfo).toEqual({ sub: idToken.sub, name: 'Test Researcher' });
  });

  test('with scope openid alone UserInfo answers the sub and nothing else', async () => {
    const rp = await relyingParty(idp, 'portal', keys['portal']);
    const { tokens } = await signIn(rp, await researcher(idp, 'sub-only@example.org'));
    const sub = decodeJwt(tokens.id_token!).sub!;
    expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, sub)).toEqual({ sub });
  });
});
