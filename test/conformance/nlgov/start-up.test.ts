import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config.ts';
import { generateJwks } from '../../../src/oidc/keys.ts';
import { spawnIdp } from '../../support/spawned-idp.ts';
import { CALLBACK, clientKey, confidential, serveHttps } from './nlgov-idp.ts';

/**
 * What the service refuses to start on in the NL GOV profile, naming the client
 * and the rule: registrations that break the profile (ProviderProfile ›
 * Dynamic Registration's rules for registrations, ClientProfile › Client
 * Authentication, Flow; NL GOV OAuth 2.2 and 3.1.1), keys it lacks, and
 * lifetimes outside the profile's bounds.
 */
describe('NL GOV: start-up refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-nlgov-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let jwksFile: string;
  beforeAll(async () => {
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(await generateJwks('nlgov')));
  });

  /** `node src/main.ts` as an operator starts it; resolves with its exit code and what it wrote to stderr. */
  async function start(clients: unknown[], env: Record<string, string> = {}): Promise<{ code: number | string; stderr: string }> {
    const clientsFile = join(dir, `clients-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(clientsFile, JSON.stringify(clients));
    const service = await spawnIdp(
      { OIDC_PROFILE: 'nlgov', PORT: '0', DATA_DIR: dir, CLIENTS_FILE: clientsFile, JWKS_FILE: jwksFile, LOG_LEVEL: 'silent', ...env },
      { untilReady: false },
    );
    const timer = setTimeout(() => service.child.kill('SIGKILL'), 20_000);
    const code = await service.exited;
    clearTimeout(timer);
    return { code, stderr: service.stderr() };
  }

  test('registrations that break the profile: every one named with its rule, the service does not start', async () => {
    const key = await clientKey();
    const pub = { keys: [key.jwk] };
    const { code, stderr } = await start([
      { client_id: 'with-secret', client_secret: 'a-secret-of-the-portal', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' },
      { client_id: 'secret-post', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_post' },
      { client_id: 'secret-jwt', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_jwt' },
      { client_id: 'implicit', redirect_uris: [CALLBACK], jwks: pub, response_types: ['id_token'], grant_types: ['implicit'] },
      { client_id: 'hybrid', redirect_uris: [CALLBACK], jwks: pub, response_types: ['code id_token'] },
      { client_id: 'two-modes', redirect_uris: [CALLBACK], jwks: pub, grant_types: ['authorization_code', 'client_credentials'] },
      { client_id: 'direct-refresh', redirect_uris: [], response_types: [], jwks: pub, grant_types: ['client_credentials', 'refresh_token'] },
      { client_id: 'no-keys', redirect_uris: [CALLBACK] },
      { client_id: 'both-keys', redirect_uris: [CALLBACK], jwks: pub, jwks_uri: 'https://app.example.org/jwks.json' },
      { client_id: 'private-key', redirect_uris: [CALLBACK], jwks: { keys: [{ ...key.jwk, d: 'secret-part' }] } },
      { client_id: 'public-sub', redirect_uris: [CALLBACK], jwks: pub, subject_type: 'public' },
      { client_id: 'localhost', redirect_uris: ['http://localhost:9/callback'], jwks: pub },
      { client_id: 'plain-http', redirect_uris: ['http://app.example.org/callback'], jwks: pub },
      { client_id: 'pape-acr', redirect_uris: [CALLBACK], jwks: pub, default_acr_values: ['http://schemas.openid.net/pape/policies/2007/06/multi-factor'] },
    ]);
    // One key for most of them: each entry after the first that registers it is told it is another client's.
    expect(code).toBe(1);
    for (const [client, rule] of [
      ['with-secret', 'has a client_secret'],
      ['with-secret', 'token_endpoint_auth_method client_secret_basic'],
      ['secret-post', 'token_endpoint_auth_method client_secret_post'],
      ['secret-jwt', 'token_endpoint_auth_method client_secret_jwt'],
      ['implicit', 'response_types id_token: the authorization code flow only'],
      ['hybrid', 'response_types code id_token: the authorization code flow only'],
      ['two-modes', 'grant_types authorization_code, client_credentials: one mode per client'],
      ['direct-refresh', 'grant_types client_credentials, refresh_token: one mode per client'],
      ['no-keys', "private_key_jwt needs the client's public keys as jwks or as jwks_uri"],
      ['both-keys', "private_key_jwt needs the client's public keys as jwks or as jwks_uri"],
      ['private-key', 'jwks holds a private key'],
      ['public-sub', 'subject_type public'],
      ['localhost', 'redirect URI http://localhost:9/callback: a loopback redirect must use the IP address'],
      ['plain-http', 'redirect URI http://app.example.org/callback must be https'],
      ['hybrid', `its key ${key.jwk.kid} is also client "implicit"'s: every client has a key pair of its own`],
      ['pape-acr', 'default_acr_values http://schemas.openid.net/pape/policies/2007/06/multi-factor is not one of NLGOV_ACR_VALUES'],
    ])
      expect(stderr).toContain(`client "${client}": ${rule}`);
  });

  test("a sector_identifier_uri that does not list the client's redirect URIs, and metadata node-oidc-provider refuses, are named too", async () => {
    const document = await serveHttps((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify(['https://other.example.org/callback'])),
    );
    try {
      const { code, stderr } = await start(
        [
          confidential('sector', await clientKey(), { sector_identifier_uri: `${document.url}/sector.json` }),
          confidential('es256-id-tokens', await clientKey(), { id_token_signed_response_alg: 'ES256' }),
        ],
        { NODE_EXTRA_CA_CERTS: document.caFile },
      );
      expect(code).toBe(1);
      expect(stderr).toContain('client "sector": all registered redirect_uris must be included in the sector_identifier_uri response');
      expect(stderr).toContain(`client "es256-id-tokens": id_token_signed_response_alg must be 'PS256' or 'RS256'`);
    } finally {
      await document.close();
    }
  });

  test('a JWKS_FILE without the keys the profile signs and decrypts with', async () => {
    const standardKeys = join(dir, 'standard-jwks.json');
    writeFileSync(standardKeys, JSON.stringify(await generateJwks()));
    const { code, stderr } = await start([confidential('portal', await clientKey())], { JWKS_FILE: standardKeys });
    expect(code).toBe(1);
    expect(stderr).toContain('has no PS256 key (use "sig"), no RSA-OAEP key (use "enc"), no RSA-OAEP-256 key (use "enc"), which OIDC_PROFILE=nlgov needs');
  });

  const nlgov = (env: Record<string, string>) => () => loadConfig({ OIDC_PROFILE: 'nlgov', DATA_DIR: dir, CLIENTS_FILE: '/etc/idp/clients.json', ...env });
  test.each([
    [{ NLGOV_ID_TOKEN_TTL_MINUTES: '6' }, /NLGOV_ID_TOKEN_TTL_MINUTES: at most 5/],
    [{ NLGOV_ACCESS_TOKEN_TTL_MINUTES: '61' }, /NLGOV_ACCESS_TOKEN_TTL_MINUTES: at most 60/],
    [{ NLGOV_REFRESH_TOKEN_TTL_MINUTES: '361' }, /NLGOV_REFRESH_TOKEN_TTL_MINUTES: at most 360/],
    [{ NLGOV_REFRESH_TOKEN_TTL_MINUTES: '0' }, /NLGOV_REFRESH_TOKEN_TTL_MINUTES/],
    [{ CLIENTS_FILE: '' }, /CLIENTS_FILE: required with OIDC_PROFILE=nlgov/],
    [{ NLGOV_ACR_MAP: 'pwd=http://eidas.europa.eu/LoA/low' }, /NLGOV_ACR_MAP: "pwd=.*" is not <sign-in>=<level URI>/],
    [{ NLGOV_ACR_MAP: 'pwd+otp=http://eidas.europa.eu/LoA/medium' }, /NLGOV_ACR_MAP: pwd\+otp maps to .*medium, which is not in NLGOV_ACR_VALUES/],
    [
      { NLGOV_ACR_VALUES: 'urn:cbs:loa:1,urn:cbs:loa:2' },
      /NLGOV_ACR_MAP: pwd\+otp maps to http:\/\/eidas.europa.eu\/LoA\/substantial, which is not in NLGOV_ACR_VALUES/,
    ],
    [{ RESOURCE_SERVERS: 'https://api.example.org/' }, /RESOURCE_SERVERS: "https:\/\/api.example.org\/" is not URL=scope/],
    [{ RESOURCE_SERVERS: 'https://api.example.org/=openid' }, /RESOURCE_SERVERS: .* one of OpenID Connect's own: "openid"/],
    [
      {
        NODE_ENV: 'production',
        ISSUER: 'https://login.cbs.example',
        TRUST_PROXY: 'true',
        JWKS_FILE: '/etc/idp/jwks.json',
        SMTP_URL: 'smtp://mail:587',
        COOKIE_KEYS: 'k'.repeat(40),
        SECRETS_KEY: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
      /PAIRWISE_SALT is not set/,
    ],
  ])('configuration outside the profile is refused: %j', (env, message) => {
    expect(nlgov(env)).toThrow(message);
  });

  test("the profile's variables are refused without OIDC_PROFILE=nlgov, and accepted within bounds with it", () => {
    expect(() => loadConfig({ DATA_DIR: dir, NLGOV_ID_TOKEN_TTL_MINUTES: '3' })).toThrow(/NLGOV_ID_TOKEN_TTL_MINUTES: only used with OIDC_PROFILE=nlgov/);
    const config = nlgov({ NLGOV_ID_TOKEN_TTL_MINUTES: '3', NLGOV_ACCESS_TOKEN_TTL_MINUTES: '60', NLGOV_REFRESH_TOKEN_TTL_MINUTES: '360' })();
    expect(config.profile.nlgov).toMatchObject({ idTokenSeconds: 180, accessTokenSeconds: 3600, refreshTokenSeconds: 21600 });
  });
});
