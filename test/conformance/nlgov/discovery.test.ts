import { decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { clientKey, confidential, startNlgovIdp, type NlgovIdp } from './nlgov-idp.ts';

/** What the profile allows in algorithm lists (Considerations › Algorithms): nothing weaker than RS256, RSA-OAEP and A256GCM. */
const SIGNING = new Set(['PS256', 'RS256', 'ES256', 'Ed25519', 'EdDSA']);
const KEY_ENCRYPTION = new Set(['RSA-OAEP', 'RSA-OAEP-256']);
const ONE_WEEK = 7 * 24 * 60 * 60;

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Discovery (endpoint, document,
 * caching, public keys) and the Provider profile's CORS rule; NL GOV OAuth
 * 1.1.0 3.1.5 (Discovery).
 */
describe('NL GOV: Discovery', () => {
  let idp: NlgovIdp;
  let metadata: Record<string, unknown>;
  beforeAll(async () => {
    idp = await startNlgovIdp([
      confidential('portal', await clientKey()),
      { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:11/callback'], first_party: true },
    ]);
    metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  });
  afterAll(() => idp.close());

  test('Discovery endpoint: the document at openid-configuration, the same at oauth-authorization-server, signed as signed_metadata', async () => {
    const oauth = (await (await fetch(`${idp.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(oauth).toEqual(metadata);
    const { payload } = await jwtVerify(metadata.signed_metadata as string, idp.jwks, { issuer: idp.issuer, algorithms: ['PS256'] });
    const { signed_metadata: _signed, ...plain } = metadata;
    expect(payload).toEqual({ ...plain, iss: idp.issuer, iat: expect.any(Number) });
  });

  test("Discovery document: every field the profile requires, with the profile's values", () => {
    const required = [
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'scopes_supported',
      'response_types_supported',
      'grant_types_supported',
      'claims_supported',
      'subject_types_supported',
      'token_endpoint_auth_methods_supported',
      'id_token_signing_alg_values_supported',
      'userinfo_signing_alg_values_supported',
      'request_object_signing_alg_values_supported',
      'request_object_encryption_alg_values_supported',
      'request_object_encryption_enc_values_supported',
      'require_request_uri_registration',
      'acr_values_supported',
      'claims_parameter_supported',
      'introspection_endpoint',
      'revocation_endpoint',
      'signed_metadata',
    ];
    expect(required.filter((field) => metadata[field] === undefined)).toEqual([]);
    expect(metadata).toMatchObject({
      issuer: idp.issuer,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
      require_request_uri_registration: true,
      request_parameter_supported: true,
      claims_parameter_supported: true,
    });
    expect(metadata.grant_types_supported).toContain('authorization_code');
    expect(metadata.grant_types_supported).not.toContain('implicit');
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'acr', 'auth_time']));
    expect(metadata.claims_supported).not.toContain('amr');
  });

  test('Algorithms: every list holds nothing weaker than the profile allows: no HS*, no none, no RSA1_5, content encryption A256GCM only', () => {
    const lists = Object.entries(metadata).filter(([field]) => /_(alg|enc)_values_supported$/.test(field)) as [string, string[]][];
    expect(lists.length).toBeGreaterThanOrEqual(10);
    for (const [field, values] of lists) {
      const allowed = field.endsWith('_enc_values_supported') ? new Set(['A256GCM']) : field.includes('encryption') ? KEY_ENCRYPTION : SIGNING;
      expect([field, values.filter((v) => !allowed.has(v))]).toEqual([field, []]);
    }
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['PS256', 'RS256']);
  });

  test('Caching: discovery (both documents) and the keys may be cached for a week', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks']) {
      const cacheControl = (await fetch(`${idp.issuer}${path}`)).headers.get('cache-control') ?? '';
      expect([path, cacheControl]).toEqual([path, expect.stringContaining('public')]);
      expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(ONE_WEEK);
    }
  });

  test('Discovery endpoint: no WebFinger', async () => {
    const webfinger = await fetch(
      `${idp.issuer}/.well-known/webfinger?${new URLSearchParams({ resource: 'acct:researcher@cbs.nl', rel: 'http://openid.net/specs/connect/1.0/issuer' })}`,
    );
    expect(webfinger.status).toBe(404);
    expect(metadata).not.toHaveProperty('webfinger');
  });

  test('Public keys: a JWK Set of public keys, each with kid, kty, alg and use: RS256 and PS256 to verify, RSA-OAEP and RSA-OAEP-256 to encrypt request objects to', async () => {
    const { keys } = (await (await fetch(metadata.jwks_uri as string)).json()) as { keys: JWK[] };
    for (const jwk of keys) {
      expect(jwk).toEqual(expect.objectContaining({ kid: expect.any(String), kty: 'RSA', alg: expect.any(String), use: expect.any(String) }));
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(secret);
      expect(Buffer.from(jwk.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(3072);
    }
    expect(keys.map((k) => `${k.use} ${k.alg}`).sort()).toEqual(['enc RSA-OAEP', 'enc RSA-OAEP-256', 'sig PS256', 'sig RS256']);
    expect(decodeProtectedHeader(metadata.signed_metadata as string).kid).toBe(keys.find((k) => k.alg === 'PS256')!.kid);
  });

  test("CORS: the token endpoint answers a browser only from a public client's own origin, never with a wildcard", async () => {
    const token = metadata.token_endpoint as string;
    const post = (origin: string, clientId: string) =>
      fetch(token, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'not-a-code',
          code_verifier: 'v'.repeat(43),
          client_id: clientId,
          redirect_uri: 'http://127.0.0.1:11/callback',
        }),
      });
    const own = await post('http://127.0.0.1:11', 'spa');
    expect(own.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:11');
    expect(((await own.json()) as { error: string }).error).toBe('invalid_grant');
    for (const [origin, clientId] of [
      ['https://elsewhere.example', 'spa'],
      ['http://127.0.0.1:9', 'portal'],
    ] as const) {
      const refused = await post(origin, clientId);
      expect([origin, clientId, refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([origin, clientId, 400, null]);
    }
  });
});

describe('NL GOV: Security considerations', () => {
  test("HTTP Strict Transport Security on every answer, the provider's protocol endpoints and our pages alike, behind the TLS-terminating proxy", async () => {
    const idp = await startNlgovIdp([confidential('portal', await clientKey())], { TRUST_PROXY: 'true' }, {}, '127.0.0.1', 'https');
    try {
      for (const path of ['/.well-known/openid-configuration', '/jwks', '/healthz', '/account']) {
        const answer = await fetch(`${idp.service.url}${path}`, { redirect: 'manual' });
        expect([path, answer.headers.get('strict-transport-security')]).toEqual([path, 'max-age=31536000; includeSubDomains']);
      }
    } finally {
      await idp.close();
    }
  });
});
