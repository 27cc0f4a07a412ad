import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { loadClients } from '../../src/oidc/clients.ts';

const PRODUCTION_READY = {
  NODE_ENV: 'production',
  ISSUER: 'https://login.cbs.example',
  JWKS_FILE: '/etc/idp/jwks.json',
  CLIENTS_FILE: '/etc/idp/clients.json',
  SMTP_URL: 'smtp://mail.cbs.example:587',
  TRUST_PROXY: 'true',
  COOKIE_KEYS: 'mO2i9tYxQe8LwZr4KbVn1sHf7uJc3GdAp6EyTq0XlNk,Zq4Vd8Ls2Gx6Hn0Pc5Ry9Tb3Mw7Kf1Ju4Eo8Ia2Sl6',
  SECRETS_KEY: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
};

describe('configuration', () => {
  // Development defaults write generated keys to DATA_DIR: a folder of this run's own, removed after.
  const dataDir = mkdtempSync(join(tmpdir(), 'cbs-idp-config-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('production refuses to start on development defaults, naming each one', () => {
    const attempt = () => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, ISSUER: 'http://login.example' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    for (const name of ['ISSUER uses http', 'JWKS_FILE', 'CLIENTS_FILE', 'SMTP_URL', 'COOKIE_KEYS', 'SECRETS_KEY']) expect(message).toContain(name);
  });

  test('production starts when everything is configured', () => {
    const config = loadConfig(PRODUCTION_READY);
    expect(config.production).toBe(true);
    expect(config.devDefaults).toEqual([]);
    expect(config.cookieKeys).toEqual(['mO2i9tYxQe8LwZr4KbVn1sHf7uJc3GdAp6EyTq0XlNk', 'Zq4Vd8Ls2Gx6Hn0Pc5Ry9Tb3Mw7Kf1Ju4Eo8Ia2Sl6']);
    expect(config.secretsKeys.map((k) => k.length)).toEqual([32]);
  });

  test('the set-password mail quotas: documented defaults, whole numbers of at least 1 from the environment', () => {
    expect(loadConfig(PRODUCTION_READY).resetMailQuotas).toEqual({ perAddress: 5, perAddressAndIp: 3, addressesPerIp: 200, unknownAddressesPerIp: 20 });
    expect(loadConfig({ ...PRODUCTION_READY, RESET_ADDRESSES_PER_IP: '500' }).resetMailQuotas.addressesPerIp).toBe(500);
    expect(() => loadConfig({ ...PRODUCTION_READY, RESET_MAILS_PER_ADDRESS: '0', RESET_UNKNOWN_ADDRESSES_PER_IP: 'many' })).toThrow(
      /RESET_MAILS_PER_ADDRESS[\s\S]*RESET_UNKNOWN_ADDRESSES_PER_IP/,
    );
  });

  test("the accessibility statement's contact: microdata@cbs.nl unless ACCESSIBILITY_CONTACT names another address", () => {
    expect(loadConfig(PRODUCTION_READY).accessibilityContact).toBe('microdata@cbs.nl');
    expect(loadConfig({ ...PRODUCTION_READY, ACCESSIBILITY_CONTACT: 'toegankelijkheid@cbs.example' }).accessibilityContact).toBe(
      'toegankelijkheid@cbs.example',
    );
    expect(() => loadConfig({ ...PRODUCTION_READY, ACCESSIBILITY_CONTACT: 'the helpdesk' })).toThrow(/ACCESSIBILITY_CONTACT: must be an e-mail address/);
  });

  test('the account history: documented defaults (200 events, a year), bounded whole numbers from the environment', () => {
    expect(loadConfig(PRODUCTION_READY).accountHistory).toEqual({ max: 200, seconds: 365 * 86_400 });
    expect(loadConfig({ ...PRODUCTION_READY, AUDIT_HISTORY_MAX: '50', AUDIT_RETENTION_DAYS: '30' }).accountHistory).toEqual({ max: 50, seconds: 30 * 86_400 });
    expect(() => loadConfig({ ...PRODUCTION_READY, AUDIT_HISTORY_MAX: '0', AUDIT_RETENTION_DAYS: 'forever' })).toThrow(
      /AUDIT_HISTORY_MAX[\s\S]*AUDIT_RETENTION_DAYS/,
    );
  });

  test('malformed values are named with what is wrong', () => {
    expect(() => loadConfig({ ...PRODUCTION_READY, PORT: 'eighty', SECRETS_KEY: 'short', REDIS_URL: 'localhost:6379' })).toThrow(
      /PORT[\s\S]*REDIS_URL: must start with redis:\/\/[\s\S]*SECRETS_KEY: must be 64 hexadecimal/,
    );
  });

  test('development defaults: port 3000, issuer from the port, embedded store', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.redisUrl).toBeUndefined();
    expect(config.resetTokenTtlSeconds).toBe(3600);
  });

  test.each([
    [{ COOKIE_KEYS: 'short-key' }, /COOKIE_KEYS: every key must be at least 32 characters/],
    [{ COOKIE_KEYS: `${'k'.repeat(40)},,${'m'.repeat(40)}` }, /COOKIE_KEYS has a blank entry/],
    [{ SECRETS_KEY: '0'.repeat(64) }, /SECRETS_KEY is not random/],
    [{ SECRETS_KEY: 'ab'.repeat(32) }, /SECRETS_KEY is not random/],
    [{ SECRETS_KEY: '00112233445566778899aabbccddeeff'.repeat(2) }, /SECRETS_KEY is not random/],
    [{ SECRETS_KEYS: `${PRODUCTION_READY.SECRETS_KEY},${'0123456789abcdef'.repeat(4)}` }, /SECRETS_KEY is not random/],
    [{ COOKIE_KEYS: 'a'.repeat(32) }, /COOKIE_KEYS: a key is not random/],
    [{ COOKIE_KEYS: `${PRODUCTION_READY.COOKIE_KEYS},${'password'.repeat(4)}` }, /COOKIE_KEYS: a key is not random/],
    [{ DEFAULT_RETURN_URL: 'javascript:alert(1)' }, /DEFAULT_RETURN_URL/],
    [{ DEFAULT_RETURN_URL: 'http://portal.example' }, /DEFAULT_RETURN_URL must be an https URL/],
    [{ TRUST_PROXY: 'false' }, /ISSUER is https but TRUST_PROXY is not set/],
  ])('production refuses a weak setting: %j', (override, message) => {
    expect(() => loadConfig({ ...PRODUCTION_READY, ...override })).toThrow(message);
  });

  test.each(['', 'prod', 'Production', 'staging', 'development'])(
    'NODE_ENV=%j with an ISSUER others reach refuses development defaults, naming each',
    (nodeEnv) => {
      const message = (() => {
        try {
          loadConfig({ NODE_ENV: nodeEnv, DATA_DIR: dataDir, ISSUER: 'https://login.cbs.example', TRUST_PROXY: 'true' });
        } catch (e) {
          return (e as Error).message;
        }
        return 'started';
      })();
      expect(message).toContain('Refusing to start with ISSUER https://login.cbs.example, which is not this machine');
      for (const name of ['JWKS_FILE', 'CLIENTS_FILE', 'SMTP_URL', 'COOKIE_KEYS', 'SECRETS_KEY']) expect(message).toContain(name);
    },
  );

  test('an ISSUER others reach gets production rules whatever NODE_ENV says: no weak secret either', () => {
    const { NODE_ENV: _production, ...everything } = PRODUCTION_READY;
    expect(loadConfig({ ...everything, NODE_ENV: 'staging' }).production).toBe(true);
    expect(() => loadConfig({ ...everything, NODE_ENV: 'staging', COOKIE_KEYS: 'a'.repeat(32) })).toThrow(/COOKIE_KEYS: a key is not random/);
  });

  test.each(['http://localhost:3000', 'http://127.0.0.1:4000', 'http://[::1]:3000', 'http://idp.localhost:3000'])(
    'a loopback ISSUER (%s) runs on development defaults',
    (issuer) => {
      const config = loadConfig({ DATA_DIR: dataDir, ISSUER: issuer });
      expect(config.production).toBe(false);
      expect(config.devDefaults).toEqual(expect.arrayContaining([expect.stringContaining('SMTP_URL')]));
    },
  );

  test('TRUST_PROXY_HOPS defaults to one proxy and is bounded', () => {
    expect(loadConfig(PRODUCTION_READY).trustProxyHops).toBe(1);
    expect(() => loadConfig({ ...PRODUCTION_READY, TRUST_PROXY_HOPS: '0' })).toThrow(/TRUST_PROXY_HOPS/);
  });

  describe('client secrets in production', () => {
    const registration = (secret: string) => ({ client_id: 'research-portal', client_secret: secret, redirect_uris: ['https://portal.cbs.example/callback'] });
    const clientsWith = (...secrets: string[]) => {
      const file = join(dataDir, `clients-${crypto.randomUUID()}.json`);
      writeFileSync(file, JSON.stringify(secrets.map((secret, i) => ({ ...registration(secret), client_id: `app-${i}` }))));
      return file;
    };
    const issuer = 'https://login.cbs.example';

    test.each([
      ['one character', 'x'],
      ['31 random characters', 'Jq7vLk2pXw9sRt4yBn6mZc1fHd8gTe3'],
      ['32 times the same', 'a'.repeat(32)],
      ['a pattern', '0123456789abcdef'.repeat(2)],
      ['the example placeholder', 'replace-with-a-long-random-secret'],
    ])('%s is refused, naming the client', (_what, secret) => {
      expect(() => loadClients(clientsWith('Zq4Vd8Ls2Gx6Hn0Pc5Ry9Tb3Mw7Kf1Ju4Eo8Ia2Sl6', secret), issuer, true)).toThrow(/app-1/);
    });

    test('32 random characters or more are taken; development takes anything', () => {
      expect(loadClients(clientsWith('Zq4Vd8Ls2Gx6Hn0Pc5Ry9Tb3Mw7Kf1Ju4', 'b3f1c9d2e8a7b6c5d4e3f2a1b0c9d8e7'), issuer, true).map((c) => c.client_id)).toEqual([
        'app-0',
        'app-1',
        'idp-account',
      ]);
      expect(loadClients(clientsWith('x'), 'http://localhost:3000', false).map((c) => c.client_id)).toEqual(['app-0', 'idp-account']);
    });
  });
});
