import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { clientKey, confidential, relyingParty, researcher, signIn, startNlgovIdp, verified, type ClientKey, type NlgovIdp } from './nlgov-idp.ts';

/** OIDC NL GOV 1.0.1, OpenID Provider profile › Token Endpoint › ID Tokens (and Algorithms). */
describe('NL GOV: ID Tokens of the Provider profile', () => {
  let idp: NlgovIdp;
  let keys: Record<'portal' | 'rs256', ClientKey>;
  beforeAll(async () => {
    keys = { portal: await clientKey('PS256'), rs256: await clientKey('RS256') };
    idp = await startNlgovIdp([
      confidential('portal', keys.portal),
      confidential('rs256-app', keys.rs256, { id_token_signed_response_alg: 'RS256' }),
    ]);
  });
  afterAll(() => idp.close());

  test('an ID token is signed PS256 (RS256 for a client registered so) with iss, aud, sub, nonce, exp, iat, nbf, jti, acr, auth_time and no amr, living at most five minutes', async () => {
    const who = await researcher(idp, 'id-token@example.org');
    const before = Math.floor(Date.now() / 1000);
    const { tokens, request } = await signIn(await relyingParty(idp, 'portal', keys.portal), who);
    const { payload, alg } = await verified(idp, tokens.id_token!, 'portal');
    expect(alg).toBe('PS256');
    for (const claim of ['iss', 'aud', 'sub', 'nonce', 'exp', 'iat', 'nbf', 'jti', 'acr', 'auth_time']) expect(payload).toHaveProperty(claim);
    expect(payload).not.toHaveProperty('amr');
    expect(payload.nonce).toBe(request.nonce);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBeLessThanOrEqual(payload.iat!);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(5 * 60);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);

    const rs256 = await signIn(await relyingParty(idp, 'rs256-app', keys.rs256), who, { codeStep: 1 });
    expect((await verified(idp, rs256.tokens.id_token!, 'rs256-app')).alg).toBe('RS256');
  });

  test('jti is unique: two hundred ID tokens of one sign-in, refreshed, carry two hundred different values', async () => {
    const who = await researcher(idp, 'jti@example.org');
    const rp = await relyingParty(idp, 'portal', keys.portal);
    const { tokens } = await signIn(rp, who, { params: { scope: 'openid offline_access', prompt: 'consent' } });
    const seen = new Set([decodeJwt(tokens.id_token!).jti]);
    let refresh = tokens.refresh_token!;
    for (let i = 1; i < 200; i++) {
      const next = await oidc.refreshTokenGrant(rp.config, refresh);
      seen.add(decodeJwt(next.id_token!).jti);
      refresh = next.refresh_token!;
    }
    expect(seen.size).toBe(200);
  });
});
