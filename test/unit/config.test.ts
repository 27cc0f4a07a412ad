import { loadConfig, ConfigError } from '../../src/config.ts';

const PRODUCTION_READY = {
  NODE_ENV: 'production',
  ISSUER: 'https://login.cbs.example',
  JWKS_FILE: '/etc/idp/jwks.json',
  CLIENTS_FILE: '/etc/idp/clients.json',
  SMTP_URL: 'smtp://mail.cbs.example:587',
  COOKIE_KEYS: 'one-long-cookie-key,another-one',
  SECRETS_KEY: 'ab'.repeat(32),
};

describe('configuration', () => {
  test('production refuses to start on development defaults, naming each one', () => {
    const attempt = () => loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/never-written', ISSUER: 'http://login.example' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => { try { attempt(); } catch (e) { return (e as Error).message; } return ''; })();
    for (const name of ['ISSUER uses http', 'JWKS_FILE', 'CLIENTS_FILE', 'SMTP_URL', 'COOKIE_KEYS', 'SECRETS_KEY']) expect(message).toContain(name);
  });

  test('production starts when everything is configured', () => {
    const config = loadConfig(PRODUCTION_READY);
    expect(config.production).toBe(true);
    expect(config.devDefaults).toEqual([]);
    expect(config.cookieKeys).toEqual(['one-long-cookie-key', 'another-one']);
    expect(config.secretsKey).toHaveLength(32);
  });

  test('malformed values are named with what is wrong', () => {
    expect(() => loadConfig({ ...PRODUCTION_READY, PORT: 'eighty', SECRETS_KEY: 'short', REDIS_URL: 'localhost:6379' }))
      .toThrow(/PORT[\s\S]*REDIS_URL: must start with redis:\/\/[\s\S]*SECRETS_KEY: must be 64 hexadecimal/);
  });

  test('development defaults: port 3000, issuer from the port, embedded store', () => {
    const config = loadConfig({ DATA_DIR: `/tmp/cbs-idp-config-test-${process.pid}` });
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.redisUrl).toBeUndefined();
    expect(config.resetTokenTtlSeconds).toBe(3600);
  });
});
