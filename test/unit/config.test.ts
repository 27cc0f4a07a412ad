import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../src/config.ts';

const PRODUCTION_READY = {
  NODE_ENV: 'production',
  ISSUER: 'https://login.cbs.example',
  JWKS_FILE: '/etc/idp/jwks.json',
  CLIENTS_FILE: '/etc/idp/clients.json',
  SMTP_URL: 'smtp://mail.cbs.example:587',
  TRUST_PROXY: 'true',
  COOKIE_KEYS: 'one-long-cookie-key-of-32-characters,another-one-of-at-least-32-chars',
  SECRETS_KEY: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
};

describe('configuration', () => {
  // Development defaults write generated keys to DATA_DIR: a folder of this run's own, removed after.
  const dataDir = mkdtempSync(join(tmpdir(), 'cbs-idp-config-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('production refuses to start on development defaults, naming each one', () => {
    const attempt = () => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, ISSUER: 'http://login.example' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => { try { attempt(); } catch (e) { return (e as Error).message; } return ''; })();
    for (const name of ['ISSUER uses http', 'JWKS_FILE', 'CLIENTS_FILE', 'SMTP_URL', 'COOKIE_KEYS', 'SECRETS_KEY']) expect(message).toContain(name);
  });

  test('production starts when everything is configured', () => {
    const config = loadConfig(PRODUCTION_READY);
    expect(config.production).toBe(true);
    expect(config.devDefaults).toEqual([]);
    expect(config.cookieKeys).toEqual(['one-long-cookie-key-of-32-characters', 'another-one-of-at-least-32-chars']);
    expect(config.secretsKeys.map((k) => k.length)).toEqual([32]);
  });

  test('malformed values are named with what is wrong', () => {
    expect(() => loadConfig({ ...PRODUCTION_READY, PORT: 'eighty', SECRETS_KEY: 'short', REDIS_URL: 'localhost:6379' }))
      .toThrow(/PORT[\s\S]*REDIS_URL: must start with redis:\/\/[\s\S]*SECRETS_KEY: must be 64 hexadecimal/);
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
    [{ DEFAULT_RETURN_URL: 'javascript:alert(1)' }, /DEFAULT_RETURN_URL/],
    [{ DEFAULT_RETURN_URL: 'http://portal.example' }, /DEFAULT_RETURN_URL must be an https URL/],
    [{ TRUST_PROXY: 'false' }, /ISSUER is https but TRUST_PROXY is not set/],
  ])('production refuses a weak setting: %j', (override, message) => {
    expect(() => loadConfig({ ...PRODUCTION_READY, ...override })).toThrow(message);
  });

  test('TRUST_PROXY_HOPS defaults to one proxy and is bounded', () => {
    expect(loadConfig(PRODUCTION_READY).trustProxyHops).toBe(1);
    expect(() => loadConfig({ ...PRODUCTION_READY, TRUST_PROXY_HOPS: '0' })).toThrow(/TRUST_PROXY_HOPS/);
  });
});
