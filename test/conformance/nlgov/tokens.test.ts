import * as oidc from 'openid-client';
import { decodeJwt, jwtVerify } from 'jose';
import { Browser } from '../../support/browser.ts';
import { text } from '../../support/journey.ts';
import {
  authorizationRequest,
  browse,
  confidential,
  keysFor,
  errorSentBack,
  relyingParty,
  researcher,
  signIn,
  startNlgovIdp,
  type ClientKey,
  type NlgovIdp,
  type RelyingParty,
} from './nlgov-idp.ts';
import { msg } from '../../support/messages.ts';

const MICRODATA = 'https://microdata-api.example.org/';
const OTHER = 'https://other-api.example.org/';

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Access Tokens and Refresh
 * Tokens; NL GOV OAuth 1.1.0 3.2.1 (JWT Bearer Tokens), 3.1.9 (Refresh Tokens)
 * and 3.4 (Token Lifetimes): RFC 9068 access tokens for the resource servers of
 * RESOURCE_SERVERS, asked for with RFC 8707 `resource`; one-time refresh tokens.
 */
describe('NL GOV: Access Tokens and Refresh Tokens', () => {
  let idp: NlgovIdp;
  let keys: Record<'portal' | 'third-party' | 'archive', ClientKey>;
  let portal: RelyingParty;
  let thirdParty: RelyingParty;
  let spa: RelyingParty;
  beforeAll(async () => {
    keys = await keysFor('portal', 'third-party', 'archive');
    idp = await startNlgovIdp(
      [
        confidential('portal', keys['portal']),
        confidential('third-party', keys['third-party'], { first_party: false, client_name: 'Onderzoeksomgeving' }),
        confidential('archive', keys.archive),
        {
          client_id: 'spa',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1:11/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          first_party: true,
        },
      ],
      { RESOURCE_SERVERS: `${MICRODATA}=microdata microdata:export,${OTHER}=other`, NLGOV_ACCESS_TOKEN_TTL_MINUTES: '60' },
    );
    portal = await relyingParty(idp, 'portal', keys['portal']);
    thirdParty = await relyingParty(idp, 'third-party', keys['third-party']);
    spa = await relyingParty(idp, 'spa', undefined, {}, 'http://127.0.0.1:11/callback');
  });
  afterAll(() => idp.close());

  const forMicrodata = { resource: MICRODATA, scope: 'openid microdata other' };

  test('an authorization request with resource gets an RFC 9068 access token for that resource server: typ at+jwt, PS256, iss, aud, exp, iat, jti, client_id, azp, sub and only the scopes that server accepts', async () => {
    const { tokens } = await signIn(portal, await researcher(idp, 'jwt-at@example.org'), { params: forMicrodata, tokenParams: { resource: MICRODATA } });
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, idp.jwks, {
      issuer: idp.issuer,
      audience: MICRODATA,
      typ: 'at+jwt',
      algorithms: ['PS256', 'RS256'],
    });
    expect(protectedHeader.alg).toBe('PS256');
    expect(payload).toEqual({
      iss: idp.issuer,
      aud: MICRODATA,
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      client_id: 'portal',
      azp: 'portal',
      sub: decodeJwt(tokens.id_token!).sub,
      scope: 'microdata',
    });
    expect(payload.jti!.length).toBeGreaterThanOrEqual(21);
    expect(payload.exp! - payload.iat!).toBe(60 * 60);
  });

  test("a public client's access tokens live a quarter of an hour at most, whatever the configured lifetime", async () => {
    const { tokens } = await signIn(spa, await researcher(idp, 'public-at@example.org'), { params: forMicrodata, tokenParams: { resource: MICRODATA } });
    const payload = decodeJwt(tokens.access_token);
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
  });

  test('on the consent screen of a third-party application the user sees the resource server and its scopes, who registered the application and how long the access lasts (3.1.4 Client Approval); the token carries what was allowed', async () => {
    const who = await researcher(idp, 'consent-at@example.org');
    const browser = new Browser(idp.issuer);
    const request = await authorizationRequest(thirdParty, { resource: MICRODATA, scope: 'openid microdata:export' });
    const consent = await browse(browser, request.url, who);
    expect(consent.html).toContain(MICRODATA);
    expect(consent.html).toContain('microdata:export');
    expect(text(consent)).toContain(`${msg('consent.registered')} ${msg('consent.duration.session', { minutes: 60 })}`);
    const allowed = await browser.submit(consent, '/consent', { decision: 'allow' });
    const back = await browser.follow(allowed.location!);
    const tokens = await oidc.authorizationCodeGrant(
      thirdParty.config,
      new URL(back.location!),
      { pkceCodeVerifier: request.verifier, expectedNonce: request.nonce, expectedState: request.state },
      { resource: MICRODATA },
    );
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: MICRODATA, scope: 'microdata:export', azp: 'third-party' });
  });

  test("revocation: a client revokes its own token, never another client's (3.1.6); a JWT access token, which its resource server checks without asking, is not revocable and says so", async () => {
    const mine = await signIn(portal, await researcher(idp, 'revoke@example.org'));
    const archive = await relyingParty(idp, 'archive', keys.archive);
    const theirs = await signIn(archive, await researcher(idp, 'revoke-other@example.org'), { params: forMicrodata, tokenParams: { resource: MICRODATA } });
    const opaque = (
      await oidc.refreshTokenGrant(
        archive.config,
        (
          await signIn(archive, await researcher(idp, 'revoke-third@example.org'), { params: { scope: 'openid offline_access', prompt: 'consent' } })
        ).tokens.refresh_token!,
      )
    ).access_token;
    await oidc.tokenRevocation(portal.config, opaque);
    expect((await oidc.tokenIntrospection(archive.config, opaque)).active).toBe(true);
    await oidc.tokenRevocation(portal.config, mine.tokens.access_token);
    expect((await oidc.tokenIntrospection(portal.config, mine.tokens.access_token)).active).toBe(false);
    await expect(oidc.tokenRevocation(archive.config, theirs.tokens.access_token)).rejects.toMatchObject({ error: 'unsupported_token_type' });
  });

  test('a resource that is not a resource server of this provider is refused with invalid_target', async () => {
    const page = await new Browser(idp.issuer).get(
      (await authorizationRequest(portal, { resource: 'https://unknown-api.example.org/', scope: 'openid microdata' })).url,
    );
    expect(errorSentBack(page)).toBe('invalid_target');
  });

  test('NLGOV_ACCESS_TOKEN_SIGNING_ALG=RS256 signs the JWT access tokens RS256, for resource servers that verify nothing else', async () => {
    await idp.restart({ NLGOV_ACCESS_TOKEN_SIGNING_ALG: 'RS256' });
    const rs256 = await relyingParty(idp, 'portal', keys.portal);
    const { tokens } = await signIn(rs256, await researcher(idp, 'rs256-at@example.org'), { params: forMicrodata, tokenParams: { resource: MICRODATA } });
    const { protectedHeader } = await jwtVerify(tokens.access_token, idp.jwks, {
      issuer: idp.issuer,
      audience: MICRODATA,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.alg).toBe('RS256');
    await idp.restart({ NLGOV_ACCESS_TOKEN_SIGNING_ALG: 'PS256' });
  }, 60_000);

  test('refresh tokens are one-time: each use gives a new one, the old one is refused, and using it again revokes the grant', async () => {
    const { tokens } = await signIn(portal, await researcher(idp, 'refresh@example.org'), { params: { scope: 'openid offline_access', prompt: 'consent' } });
    const first = tokens.refresh_token!;
    const second = await oidc.refreshTokenGrant(portal.config, first);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    await expect(oidc.refreshTokenGrant(portal.config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(portal.config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(portal.config, second.access_token)).active).toBe(false);
  });

  test('a refresh token expires its configured lifetime (two hours by default, six at most) after issue or last use, as introspection shows; a public client may not introspect', async () => {
    const { tokens } = await signIn(portal, await researcher(idp, 'refresh-ttl@example.org'), {
      params: { scope: 'openid offline_access', prompt: 'consent' },
    });
    const issued = await oidc.tokenIntrospection(portal.config, tokens.refresh_token!);
    expect(issued).toMatchObject({ active: true, client_id: 'portal', scope: 'openid offline_access' });
    expect(issued.exp! - issued.iat!).toBe(2 * 60 * 60);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rotated = await oidc.refreshTokenGrant(portal.config, tokens.refresh_token!);
    const renewed = await oidc.tokenIntrospection(portal.config, rotated.refresh_token!);
    expect(renewed.exp! - renewed.iat!).toBe(2 * 60 * 60);
    expect(renewed.exp!).toBeGreaterThan(issued.exp!);

    // A public client cannot authenticate: it may not introspect (3.2.2), not even its own tokens.
    const publicClient = await signIn(spa, await researcher(idp, 'refresh-spa@example.org'), { params: { scope: 'openid offline_access', prompt: 'consent' } });
    expect(await oidc.tokenIntrospection(spa.config, publicClient.tokens.refresh_token!)).toEqual({ active: false });
    expect((await oidc.refreshTokenGrant(spa.config, publicClient.tokens.refresh_token!)).refresh_token).not.toBe(publicClient.tokens.refresh_token);
  });
});
