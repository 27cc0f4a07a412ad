import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { CompactEncrypt, SignJWT, UnsecuredJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { Browser } from '../../support/browser.ts';
import {
  browse,
  CALLBACK,
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
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Request Objects: signed request
 * objects are accepted and verified against the client's registered key,
 * request objects encrypted to the provider's key are accepted, request objects
 * by reference come from pushed authorization requests (RFC 9126), and only the
 * parameters inside the request object count. Refusals carry the error of
 * OpenID Connect Core §6.3.3 (invalid_request_object).
 */
describe('NL GOV: Request Objects of the Provider profile', () => {
  let idp: NlgovIdp;
  let keys: Record<'PS256' | 'RS256' | 'ES256', ClientKey>;
  let rps: Record<'PS256' | 'RS256' | 'ES256', RelyingParty>;
  let who: { email: string; secret: string };
  let browser: Browser;
  beforeAll(async () => {
    keys = { PS256: await clientKey('PS256'), RS256: await clientKey('RS256'), ES256: await clientKey('ES256') };
    idp = await startNlgovIdp((['PS256', 'RS256', 'ES256'] as const).map((alg) => confidential(`app-${alg}`, keys[alg])));
    rps = {
      PS256: await relyingParty(idp, 'app-PS256', keys.PS256),
      RS256: await relyingParty(idp, 'app-RS256', keys.RS256),
      ES256: await relyingParty(idp, 'app-ES256', keys.ES256),
    };
    who = await researcher(idp, 'request-objects@example.org');
    browser = new Browser(idp.issuer);
  });
  afterAll(() => idp.close());

  /** What a request carries and the checks the application makes on return. */
  const fresh = async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const params = {
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      nonce: oidc.randomNonce(),
      state: oidc.randomState(),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    return { params, checks: { pkceCodeVerifier: verifier, expectedNonce: params.nonce, expectedState: params.state } };
  };
  /** A request object as OpenID Connect Core §6.1 makes one: the parameters, iss (the client) and aud (the provider). */
  const signed = (rp: RelyingParty, key: ClientKey, params: Record<string, string>, alg = key.jwk.alg!) =>
    new SignJWT({ ...params, client_id: rp.id, jti: randomBytes(16).toString('base64url') })
      .setProtectedHeader({ alg, kid: key.jwk.kid })
      .setIssuer(rp.id)
      .setAudience(idp.issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
  const providerEncryptionKey = async (alg: string) => {
    const { keys: published } = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: JWK[] };
    return published.find((k) => k.use === 'enc' && k.alg === alg)!;
  };
  const encrypted = async (jwt: string, jwk: JWK, alg: string, enc = 'A256GCM') =>
    new CompactEncrypt(new TextEncoder().encode(jwt)).setProtectedHeader({ alg, enc, cty: 'JWT', kid: jwk.kid }).encrypt(await importJWK(jwk, alg));
  /** The authorization URL with the request object, plus (as the profile allows, for plain OAuth) the same parameters outside it. */
  const withRequest = (rp: RelyingParty, request: string, outside: Record<string, string> = {}) =>
    `${rp.config.serverMetadata().authorization_endpoint}?${new URLSearchParams({ client_id: rp.id, request, ...outside })}`;
  const redeem = async (rp: RelyingParty, url: string, checks: oidc.AuthorizationCodeGrantChecks) => {
    const back = await browse(browser, url, who);
    if (!back.location?.startsWith(CALLBACK)) throw new Error(`no code: ${back.status} ${back.html.slice(0, 300)}`);
    return oidc.authorizationCodeGrant(rp.config, new URL(back.location), checks);
  };

  test.each(['PS256', 'RS256', 'ES256'] as const)("a request object signed %s with the client's registered key is accepted", async (alg) => {
    const { params, checks } = await fresh();
    const url = await oidc.buildAuthorizationUrlWithJAR(rps[alg].config, params, { key: keys[alg].privateKey, kid: keys[alg].jwk.kid });
    expect(url.searchParams.has('request')).toBe(true);
    const tokens = await redeem(rps[alg], url.toString(), checks);
    expect(decodeJwt(tokens.id_token!).nonce).toBe(params.nonce);
  });

  test('only the parameters inside the request object count: scope, nonce and acr_values outside it are ignored', async () => {
    const { params, checks } = await fresh();
    const url = withRequest(rps.PS256, await signed(rps.PS256, keys.PS256, params), {
      ...params,
      scope: 'openid email profile',
      nonce: 'outside',
      acr_values: 'http://eidas.europa.eu/LoA/high',
    });
    const tokens = await redeem(rps.PS256, url, checks);
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.nonce).toBe(params.nonce);
    expect(claims.acr).toBe('http://eidas.europa.eu/LoA/substantial');
    expect(tokens.scope).toBe('openid');
    const userinfo = await oidc.fetchUserInfo(rps.PS256.config, tokens.access_token, claims.sub!);
    expect(userinfo).not.toHaveProperty('email');
    expect(userinfo).not.toHaveProperty('name');
  });

  test.each(['RSA-OAEP', 'RSA-OAEP-256'])("a signed request object encrypted to the provider's %s key (A256GCM) is accepted", async (alg) => {
    const { params, checks } = await fresh();
    const jwe = await encrypted(await signed(rps.PS256, keys.PS256, params), await providerEncryptionKey(alg), alg);
    expect(jwe.split('.')).toHaveLength(5);
    const tokens = await redeem(rps.PS256, withRequest(rps.PS256, jwe), checks);
    expect(decodeJwt(tokens.id_token!).nonce).toBe(params.nonce);
  });

  test('a pushed authorization request gives a request_uri that the authorization request refers to, with plain parameters and with a signed request object', async () => {
    const plain = await fresh();
    const pushed = await oidc.buildAuthorizationUrlWithPAR(rps.RS256.config, plain.params);
    expect([...pushed.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(pushed.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect((await redeem(rps.RS256, pushed.toString(), plain.checks)).id_token).toBeTruthy();

    const jar = await fresh();
    const pushedJar = await oidc.buildAuthorizationUrlWithPAR(rps.ES256.config, { request: await signed(rps.ES256, keys.ES256, jar.params) });
    expect((await redeem(rps.ES256, pushedJar.toString(), jar.checks)).id_token).toBeTruthy();
  });

  test('a request_uri the provider did not issue (hosted by the client) is refused with request_uri_not_supported', async () => {
    const { params } = await fresh();
    const page = await new Browser(idp.issuer).get(
      `${idp.issuer}/auth?${new URLSearchParams({ ...params, client_id: rps.PS256.id, request_uri: 'https://app.example.org/request.jwt' })}`,
    );
    expect(errorSentBack(page)).toBe('request_uri_not_supported');
  });

  test('request objects are refused with invalid_request_object when signed with an unregistered key, unsigned, signed with a shared secret or an algorithm not offered, or encrypted weakly or to another key', async () => {
    const { params } = await fresh();
    const rp = rps.PS256;
    const stranger = await clientKey('PS256', keys.PS256.jwk.kid);
    const { privateKey: rs384 } = await generateKeyPair('RS384');
    const notProvider = { ...(await exportJWK((await generateKeyPair('RSA-OAEP', { extractable: true })).publicKey)), kid: 'not-the-provider' };
    const good = await signed(rp, keys.PS256, params);
    const bad = {
      'signed with an unregistered key': await signed(rp, stranger, params),
      'unsigned (alg none)': new UnsecuredJWT({ ...params, client_id: rp.id }).setIssuer(rp.id).setAudience(idp.issuer).encode(),
      'signed HS256': await new SignJWT({ ...params, client_id: rp.id })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(rp.id)
        .setAudience(idp.issuer)
        .sign(randomBytes(32)),
      'signed RS384, not offered': await new SignJWT({ ...params, client_id: rp.id })
        .setProtectedHeader({ alg: 'RS384' })
        .setIssuer(rp.id)
        .setAudience(idp.issuer)
        .sign(rs384),
      'encrypted to another key': await encrypted(good, notProvider, 'RSA-OAEP'),
      'encrypted with A128CBC-HS256': await encrypted(good, await providerEncryptionKey('RSA-OAEP'), 'RSA-OAEP', 'A128CBC-HS256'),
    };
    for (const [what, request] of Object.entries(bad)) {
      const page = await new Browser(idp.issuer).get(withRequest(rp, request, params));
      expect([what, errorSentBack(page)]).toEqual([what, 'invalid_request_object']);
    }
  });
});
