import { z } from 'zod';
import { loadDevSecrets } from './dev-secrets.ts';
import { redisEnvSchema, redisSettingsFrom } from './redis-config.ts';
import type { RedisSettings } from '../adapters/redis/settings.ts';

/** Environment → typed configuration. Fails fast, naming every problem at once. */
export interface Config {
  production: boolean;
  port: number;
  issuer: string;
  /** REDIS_URL, when the store is a single Redis server. */
  redisUrl?: string;
  /** Set: the store is Redis (single server, Sentinel or Cluster); unset: embedded SQLite. */
  redis?: RedisSettings;
  redisPrefix: string;
  dataDir: string;
  smtpUrl?: string;
  mailFrom: string;
  clientsFile?: string;
  jwksFile?: string;
  cookieKeys: string[];
  /** 32 bytes; encrypts second-factor secrets at rest (AES-256-GCM). */
  secretsKey: Buffer;
  trustProxy: boolean;
  defaultReturnUrl?: string;
  resetTokenTtlSeconds: number;
  logLevel: string;
  /** Development defaults in use; production refuses to start on any of them. */
  devDefaults: string[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const optional = z.string().trim().min(1).optional().catch(undefined);
const schema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  ...redisEnvSchema.shape,
  REDIS_PREFIX: z.string().default('idp:'),
  DATA_DIR: z.string().default('./data'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('CBS Microdata <no-reply@localhost>'),
  CLIENTS_FILE: optional,
  JWKS_FILE: optional,
  COOKIE_KEYS: z.string().optional(),
  SECRETS_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes)').optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  DEFAULT_RETURN_URL: z.url().optional(),
  RESET_TOKEN_TTL_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(blank);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const redis = redisSettingsFrom(e);
  if (redis.problems.length) throw new ConfigError(`Invalid configuration:\n  ${redis.problems.join('\n  ')}`);
  const production = e.NODE_ENV === 'production';
  const devDefaults: string[] = [];
  const dev = () => loadDevSecrets(e.DATA_DIR);

  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  if (!e.ISSUER) devDefaults.push('ISSUER is not set (defaults to http://localhost)');
  else if (issuer.startsWith('http:')) devDefaults.push('ISSUER uses http instead of https');
  if (!e.JWKS_FILE) devDefaults.push('JWKS_FILE is not set (signing keys are generated)');
  if (!e.CLIENTS_FILE) devDefaults.push('CLIENTS_FILE is not set (a demo client is registered)');
  if (!e.SMTP_URL) devDefaults.push('SMTP_URL is not set (mails go to the console)');
  if (!e.COOKIE_KEYS) devDefaults.push('COOKIE_KEYS is not set (generated keys are used)');
  if (!e.SECRETS_KEY) devDefaults.push('SECRETS_KEY is not set (a generated key is used)');

  if (production && devDefaults.length) {
    throw new ConfigError(
      `Refusing to start with NODE_ENV=production on development defaults:\n  ${devDefaults.join('\n  ')}`,
    );
  }

  return {
    production,
    port: e.PORT,
    issuer,
    redisUrl: e.REDIS_URL,
    redis: redis.settings,
    redisPrefix: e.REDIS_PREFIX,
    dataDir: e.DATA_DIR,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    clientsFile: e.CLIENTS_FILE,
    jwksFile: e.JWKS_FILE,
    cookieKeys: e.COOKIE_KEYS ? e.COOKIE_KEYS.split(',').map((k) => k.trim()).filter(Boolean) : dev().cookieKeys,
    secretsKey: e.SECRETS_KEY ? Buffer.from(e.SECRETS_KEY, 'hex') : Buffer.from(dev().secretsKey, 'hex'),
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    defaultReturnUrl: e.DEFAULT_RETURN_URL,
    resetTokenTtlSeconds: e.RESET_TOKEN_TTL_MINUTES * 60,
    logLevel: e.LOG_LEVEL,
    devDefaults,
  };
}
