import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../../src/config.ts';
import { loadUpstreamProviders } from '../../src/upstream/config.ts';

/** UPSTREAM_PROVIDERS_FILE: what the service starts on, and what it refuses, naming the entry and the rule. */
describe('institution providers (UPSTREAM_PROVIDERS_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-upstream-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const file = (entries: object[]) => write(`${Math.random().toString(36).slice(2)}.json`, entries);
  const surfconext = (fields: Record<string, unknown> = {}) => ({
    id: 'surfconext',
    issuer: 'https://connect.surfconext.nl',
    client_id: 'login.microdata.cbs.nl',
    client_secret: 'bA7fK2pQ9xW4mZ8rT1vY6nC3hJ5sD0gL',
    display_name: { nl: 'SURFconext', en: 'SURFconext' },
    label_claims: ['schac_home_organization', 'eduperson_principal_name'],
    ...fields,
  });

  test('without the variable there are no providers, and the login page offers none', () => {
    expect(loadConfig({}).upstreamProvidersFile).toBeUndefined();
    expect(loadUpstreamProviders(undefined, true)).toEqual([]);
  });

  test('SURFconext as the README writes it: the defaults are a persistent sub, scope openid, ten seconds', () => {
    const [provider] = loadUpstreamProviders(file([surfconext()]), true);
    expect(provider).toMatchObject({
      id: 'surfconext',
      issuer: 'https://connect.surfconext.nl',
      clientId: 'login.microdata.cbs.nl',
      scopes: ['openid'],
      identifierClaim: 'sub',
      subjectType: 'persistent',
      labelClaims: ['schac_home_organization', 'eduperson_principal_name'],
      timeoutSeconds: 10,
      auth: { method: 'client_secret_basic' },
    });
  });

  test.each([
    ['http for an issuer elsewhere', { issuer: 'http://connect.surfconext.nl' }, /issuer must be https \(plain http only for a loopback issuer\)/],
    ['an issuer with a query', { issuer: 'https://connect.surfconext.nl/?x=1' }, /issuer must have no query or fragment/],
    ['no English name', { display_name: { nl: 'SURFconext' } }, /display_name\.en/],
    ['scopes without openid', { scopes: ['profile'] }, /scopes: must include openid/],
    ['an id that is no URL segment', { id: 'SURF conext' }, /id: must be 1–32 lowercase letters/],
    ['a field it does not know', { claims_in_id_token: true }, /Unrecognized key/],
    ['a secret and a key both', { private_key_file: '/etc/key.json' }, /private_key_jwt takes private_key_file and no client_secret/],
    ['private_key_jwt without a key', { token_endpoint_auth_method: 'private_key_jwt', client_secret: undefined }, /private_key_jwt takes private_key_file/],
    ['a weak secret in production', { client_secret: 'secret' }, /client_secret is shorter than 32 characters or not random/],
  ])('%s is refused', (_what, fields, message) => {
    expect(() => loadUpstreamProviders(file([surfconext(fields)]), true)).toThrow(message);
  });

  test('plain http is for a loopback issuer (tests, development), and a weak secret only outside production', () => {
    for (const issuer of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://127.0.0.2:4000']) {
      expect(loadUpstreamProviders(file([surfconext({ issuer, client_secret: 'secret' })]), false)[0]!.issuer).toBe(issuer);
    }
  });

  test('one entry per id and per issuer: two for one issuer would mix their identifiers', () => {
    expect(() => loadUpstreamProviders(file([surfconext(), surfconext({ id: 'eduid' })]), true)).toThrow(
      /issuer https:\/\/connect.surfconext.nl is listed twice/,
    );
    expect(() => loadUpstreamProviders(file([surfconext(), surfconext({ issuer: 'https://login.eduid.nl' })]), true)).toThrow(/id surfconext is listed twice/);
  });

  test('private_key_jwt takes a private JWK with its kid and alg, read at start-up', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const key = write('key.json', { ...(await exportJWK(privateKey)), kid: 'cbs-2026', alg: 'RS256' });
    const [provider] = loadUpstreamProviders(file([surfconext({ client_secret: undefined, private_key_file: key })]), true);
    expect(provider!.auth).toMatchObject({ method: 'private_key_jwt', key: { kid: 'cbs-2026', alg: 'RS256' } });
    const publicOnly = write('public.json', { ...(await exportJWK(publicKey)), kid: 'cbs-2026', alg: 'RS256' });
    expect(() => loadUpstreamProviders(file([surfconext({ client_secret: undefined, private_key_file: publicOnly })]), true)).toThrow(
      /must be a private JWK with a kid and an alg/,
    );
    expect(() => loadUpstreamProviders(file([surfconext({ client_secret: undefined, private_key_file: write('broken.json', 'not json') })]), true)).toThrow(
      /cannot be read as a JWK/,
    );
  });

  test('a file that is no JSON array is refused, naming the file', () => {
    expect(() => loadUpstreamProviders(write('object.json', { id: 'surfconext' }), true)).toThrow(/UPSTREAM_PROVIDERS_FILE \(.*object\.json\)/);
  });
});

describe('config/upstream-providers.example.json', () => {
  const example = new URL('../../config/upstream-providers.example.json', import.meta.url).pathname;

  test('loads as the README describes it, and production refuses its placeholder secret', () => {
    expect(loadUpstreamProviders(example, false).map((p) => [p.id, p.issuer, p.identifierClaim, p.subjectType])).toEqual([
      ['surfconext', 'https://connect.surfconext.nl', 'sub', 'persistent'],
    ]);
    expect(() => loadUpstreamProviders(example, true)).toThrow(/client_secret is still the example's placeholder/);
  });
});
