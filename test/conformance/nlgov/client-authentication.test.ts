import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { SignJWT } from 'jose';
import { Browser } from '../../support/browser.ts';
import {
  authorizationRequest,
  browse,
  clientKey,
  confidential,
  relyingParty,
  researcher,
  serve,
  signIn,
  startNlgovIdp,
  type ClientKey,
  type NlgovIdp,
  type RelyingParty,
} from './nlgov-idp.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * OIDC NL GOV 1.0.1 › OpenID Client profile › Token Endpoint › Client
 * Authentication, and NL GOV OAuth 1.1.0 2.3.3 (Requests to the Token
 * Endpoint) and 2.3.4 (Client Keys): confidential clients authenticate with
 * private_key_jwt only, their public keys registered as jwks or jwks_uri.
 */
describe('NL GOV: Client Authentication', () => {
  let idp: NlgovIdp;
  let keys: Record<'portal' | 'byUri' | 'badUri' | 'service' | 'stranger', ClientKey>;
  let keyServer: Awaited<ReturnType<typeof serve>>;
  let portal: RelyingParty;
  let token: string;
  beforeAll(async () => {
    keys = {
      portal: await clientKey('PS256'),
      byUri: await clientKey('RS256'),
      badUri: await clientKey('PS256'),
      service: await clientKey('ES256'),
      stranger: await clientKey('PS256'),
    };
    keyServer = await serve((req, res) =>
      res.setHeader('content-type', 'application/json').end(req.url === '/jwks.json' ? JSON.stringify({ keys: [keys.byUri.jwk] }) : '["not", "a", "key set"]'),
    );
    idp = await startNlgovIdp([
      confidential('portal', keys.portal),
      confidential('by-uri', keys.byUri, { jwks: undefined, jwks_uri: `${keyServer.url}/jwks.json` }),
      confidential('bad-uri', keys.badUri, { jwks: undefined, jwks_uri: `${keyServer.url}/not-a-key-set.json` }),
      { client_id: 'service', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], jwks: { keys: [keys.service.jwk] } },
    ]);
    portal = await relyingParty(idp, 'portal', keys.portal);
    token = portal.config.serverMetadata().token_endpoint!;
  });
  afterAll(async () => {
    await idp.close();
    await keyServer.close();
  });

  /** A fresh code for the portal; the browser signs in the first time, later ones come straight back. */
  let browser: Browser;
  let who: { email: string; secret: string };
  async function code(): Promise<{ code: string; verifier: string }> {
    who ??= await researcher(idp, 'client-auth@example.org');
    browser ??= new Browser(idp.issuer);
    const request = await authorizationRequest(portal);
    const back = await browse(browser, request.url, who);
    return { code: new URL(back.location!).searchParams.get('code')!, verifier: request.verifier };
  }
  const tokenRequest = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { error?: string; access_token?: string } }),
    );
  const assertion = (clientId: string, key: ClientKey, claims: Record<string, unknown> = {}) =>
    new SignJWT({ jti: randomBytes(16).toString('base64url'), ...claims })
      .setProtectedHeader({ alg: key.jwk.alg!, kid: key.jwk.kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(token)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
  const grant = (c: { code: string; verifier: string }) => ({
    grant_type: 'authorization_code',
    code: c.code,
    code_verifier: c.verifier,
    redirect_uri: portal.redirectUri,
  });

  test('private_key_jwt with the public key registered as jwks, and fetched from jwks_uri', async () => {
    const user = await researcher(idp, 'keys@example.org');
    expect((await signIn(portal, user)).tokens.id_token).toBeTruthy();
    expect((await signIn(await relyingParty(idp, 'by-uri', keys.byUri), user, { codeStep: 1 })).tokens.id_token).toBeTruthy();
    expect(portal.config.serverMetadata().token_endpoint_auth_methods_supported).toEqual(['private_key_jwt', 'none']);
  });

  test('a jwks_uri whose document is not a JWK Set authenticates no one (NL GOV OAuth 2.3.4)', async () => {
    const badUri = await relyingParty(idp, 'bad-uri', keys.badUri);
    await expect(oidc.clientCredentialsGrant(badUri.config)).rejects.toMatchObject({ error: 'invalid_client' });
    const user = await researcher(idp, 'bad-uri@example.org');
    await expect(signIn(badUri, user)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  test('client secrets are refused at the token endpoint: client_secret_basic, client_secret_post and client_secret_jwt', async () => {
    const basic = await tokenRequest(grant(await code()), { authorization: `Basic ${Buffer.from('portal:portal-secret').toString('base64')}` });
    const post = await tokenRequest({ ...grant(await code()), client_id: 'portal', client_secret: 'portal-secret' });
    const hmac = await new SignJWT({ jti: randomBytes(16).toString('base64url') })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('portal')
      .setSubject('portal')
      .setAudience(token)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(Buffer.from('portal-secret-portal-secret-portal-secret'));
    const secretJwt = await tokenRequest({ ...grant(await code()), client_assertion_type: JWT_BEARER, client_assertion: hmac });
    for (const answer of [basic, post, secretJwt]) expect(answer).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
    const direct = await tokenRequest({ grant_type: 'client_credentials', client_id: 'service', client_secret: 'service-secret' });
    expect(direct).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
  });

  test('an assertion signed with a key the client did not register is refused; one signed with its own key is accepted once', async () => {
    const stranger = await tokenRequest({
      ...grant(await code()),
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion('portal', keys.stranger),
    });
    expect(stranger).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
    const own = await assertion('portal', keys.portal);
    const first = await tokenRequest({ ...grant(await code()), client_assertion_type: JWT_BEARER, client_assertion: own });
    expect(first.status).toBe(200);
    const replayed = await tokenRequest({ ...grant(await code()), client_assertion_type: JWT_BEARER, client_assertion: own });
    expect(replayed).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
  });

  test('one authentication method per request: an assertion together with Basic credentials is refused', async () => {
    const both = await tokenRequest(
      { ...grant(await code()), client_assertion_type: JWT_BEARER, client_assertion: await assertion('portal', keys.portal) },
      { authorization: `Basic ${Buffer.from('portal:portal-secret').toString('base64')}` },
    );
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
  });

  test('a direct access client (client_credentials) authenticates with private_key_jwt', async () => {
    const service = await relyingParty(idp, 'service', keys.service);
    expect((await oidc.clientCredentialsGrant(service.config)).access_token).toBeTruthy();
  });
});
