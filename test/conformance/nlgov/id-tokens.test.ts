import * as oidc from 'openid-client';
import { compactDecrypt, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { clientKey, confidential, relyingParty, researcher, signIn, startNlgovIdp, verified, type ClientKey, type NlgovIdp } from './nlgov-idp.ts';

/** OIDC NL GOV 1.0.1, OpenID Provider profile › Token Endpoint › ID Tokens (and Algorithms). */
describe('NL GOV: ID Tokens of the Provider profile', () => {
  let idp: NlgovIdp;
  let keys: Record<'portal' | 'rs256' | 'encrypted', ClientKey>;
  let encryptionKey: { privateKey: CryptoKey; jwk: JWK };
  beforeAll(async () => {
    keys = { portal: await clientKey('PS256'), rs256: await clientKey('RS256'), encrypted: await clientKey('PS256') };
    const pair = await generateKeyPair('RSA-OAEP', { extractable: true });
    encryptionKey = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), alg: 'RSA-OAEP', use: 'enc', kid: 'encrypted-app-enc' } };
    idp = await startNlgovIdp([
      confidential('portal', keys.portal),
      confidential('rs256-app', keys.rs256, { id_token_signed_response_alg: 'RS256' }),
      confidential('encrypted-app', keys.encrypted, {
        jwks: { keys: [keys.encrypted.jwk, encryptionKey.jwk] },
        id_token_encrypted_response_alg: 'RSA-OAEP',
        id_token_encrypted_response_enc: 'A256GCM',
      }),
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

  test("ID tokens may be encrypted to the client's key (RSA-OAEP, A256GCM), around the provider's signature", async () => {
    const rp = await relyingParty(idp, 'encrypted-app', keys.encrypted);
    oidc.enableDecryptingResponses(rp.config, ['A256GCM'], { key: encryptionKey.privateKey, kid: encryptionKey.jwk.kid });
    const { tokens } = await signIn(rp, await researcher(idp, 'encrypted@example.org'));
    expect(tokens.id_token!.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RSA-OAEP', enc: 'A256GCM', cty: 'JWT', kid: encryptionKey.jwk.kid });
    const { plaintext } = await compactDecrypt(tokens.id_token!, encryptionKey.privateKey);
    const inner = new TextDecoder().decode(plaintext);
    expect(oidc.getDecryptedResponses(tokens)?.id_token?.token_endpoint).toBe(inner);
    const { payload, alg } = await verified(idp, inner, 'encrypted-app');
    expect([alg, typeof payload.jti, typeof payload.nbf]).toEqual(['PS256', 'string', 'number']);
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
