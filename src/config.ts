import { z } from 'zod';
import { loadDevSecrets } from './dev-secrets.ts';
import { redisEnvSchema, redisSettingsFrom } from './redis-config.ts';
import { profileEnvSchema, profileSettingsFrom, type ProfileSettings } from './profile-config.ts';
import { SECRET_MIN_BITS, secretBits } from './security/secret-strength.ts';
import type { RedisSettings } from '../adapters/redis/settings.ts';
import type { MailQuotas } from './security/rate-limits.ts';
import type { HistoryLimits } from './audit.ts';

/** Environment → typed configuration. Fails fast, naming every problem at once. */
export interface Config {
  /** NODE_ENV=production, or an ISSUER other than this machine: no development defaults, no weak secrets. */
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
  /** Where the accessibility statement (/toegankelijkheid, /accessibility) asks people to report a problem. */
  accessibilityContact: string;
  clientsFile?: string;
  jwksFile?: string;
  /** UPSTREAM_PROVIDERS_FILE: the institutions' OpenID providers a sign-in may start at (src/upstream/config.ts, #26). */
  upstreamProvidersFile?: string;
  /** OIDC_PROFILE and its settings: `standard`, or the OpenID Connect NL GOV profile (docs/nlgov.md). */
  profile: ProfileSettings;
  cookieKeys: string[];
  /** 32 bytes each; encrypt second-factor secrets at rest (AES-256-GCM): the first seals, all open. */
  secretsKeys: Buffer[];
  trustProxy: boolean;
  /** How many proxies in front of the service append to X-Forwarded-For; the client is the address the outermost saw. */
  trustProxyHops: number;
  defaultReturnUrl?: string;
  resetTokenTtlSeconds: number;
  /** How many set-password mails per hour: per address, per (address, requester), and the requester's own bounds. */
  resetMailQuotas: MailQuotas;
  /** Lifetime of the set-password link in an invitation (welcome mail). */
  inviteTtlSeconds: number;
  /** How often each instance looks for accounts whose end date comes near or has passed. */
  accountEndCheckSeconds: number;
  /** How much of each account's audit history the store keeps (the console's and the CLI's account history). */
  accountHistory: HistoryLimits;
  logLevel: string;
  /** Set: Prometheus metrics on this port (never on the public one). */
  metricsPort?: number;
  /** How long a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /** Development defaults in use; production refuses to start on any of them. */
  devDefaults: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optional = z.string().trim().min(1).optional().catch(undefined);
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const schema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  ...redisEnvSchema.shape,
  REDIS_PREFIX: z.string().default('idp:'),
  DATA_DIR: z.string().default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('CBS Microdata <no-reply@localhost>'),
  ACCESSIBILITY_CONTACT: z.email('must be an e-mail address').default('microdata@cbs.nl'),
  CLIENTS_FILE: optional,
  JWKS_FILE: optional,
  UPSTREAM_PROVIDERS_FILE: optional,
  ...profileEnvSchema.shape,
  COOKIE_KEYS: z.string().optional(),
  SECRETS_KEY: z.string().regex(HEX_KEY, 'must be 64 hexadecimal characters (32 bytes)').optional(),
  SECRETS_KEYS: z
    .string()
    .regex(
      new RegExp(`^${HEX_KEY.source.slice(1, -1)}(,${HEX_KEY.source.slice(1, -1)})*$`),
      'must be a comma-separated list of 64-hexadecimal-character keys, the sealing key first',
    )
    .optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  DEFAULT_RETURN_URL: z.url({ protocol: /^https?$/ }).optional(),
  RESET_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  RESET_MAILS_PER_ADDRESS: z.coerce.number().int().min(1).max(100).default(5),
  RESET_MAILS_PER_ADDRESS_AND_IP: z.coerce.number().int().min(1).max(100).default(3),
  RESET_ADDRESSES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(200),
  RESET_UNKNOWN_ADDRESSES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(10),
  INVITE_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(72),
  ACCOUNT_END_CHECK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  AUDIT_HISTORY_MAX: z.coerce.number().int().min(1).max(10_000).default(200),
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10 * 366)
    .default(365),
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
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT (metrics are never served on the public port)');
  }
  const redis = redisSettingsFrom(e);
  if (redis.problems.length) throw new ConfigError(`Invalid configuration:\n  ${redis.problems.join('\n  ')}`);
  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  // Development defaults (generated keys, a demo client, mail in /dev/outbox) are for a service on this machine only.
  const production = e.NODE_ENV === 'production' || !isLoopback(issuer);
  const devDefaults: string[] = [];
  const dev = () => loadDevSecrets(e.DATA_DIR);

  if (!e.ISSUER) devDefaults.push('ISSUER is not set (defaults to http://localhost)');
  else if (issuer.startsWith('http:')) devDefaults.push('ISSUER uses http instead of https');
  if (!e.JWKS_FILE) devDefaults.push('JWKS_FILE is not set (signing keys are generated)');
  if (!e.CLIENTS_FILE) devDefaults.push('CLIENTS_FILE is not set (a demo client is registered)');
  if (!e.SMTP_URL) devDefaults.push('SMTP_URL is not set (mails go to the console)');
  if (!e.COOKIE_KEYS) devDefaults.push('COOKIE_KEYS is not set (generated keys are used)');
  if (!e.SECRETS_KEY && !e.SECRETS_KEYS) devDefaults.push('SECRETS_KEY is not set (a generated key is used)');
  const profile = profileSettingsFrom(e, production, () => dev().pairwiseSalt);
  if (profile.problems.length) throw new ConfigError(`Invalid configuration:\n  ${profile.problems.join('\n  ')}`);
  devDefaults.push(...profile.devDefaults);

  if (production && devDefaults.length) {
    const why =
      e.NODE_ENV === 'production'
        ? 'with NODE_ENV=production'
        : `with ISSUER ${issuer}, which is not this machine (development defaults are for a loopback ISSUER such as http://localhost:${e.PORT}),`;
    throw new ConfigError(`Refusing to start ${why} on development defaults:\n  ${devDefaults.join('\n  ')}`);
  }
  const trustProxy = e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1';
  const weak = weakSettings(e, issuer, trustProxy, production);
  if (weak.length) throw new ConfigError(`Refusing to start on unsafe settings:\n  ${weak.join('\n  ')}`);

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
    accessibilityContact: e.ACCESSIBILITY_CONTACT,
    clientsFile: e.CLIENTS_FILE,
    jwksFile: e.JWKS_FILE,
    upstreamProvidersFile: e.UPSTREAM_PROVIDERS_FILE,
    profile: profile.settings,
    cookieKeys: e.COOKIE_KEYS ? cookieKeyList(e.COOKIE_KEYS) : dev().cookieKeys,
    secretsKeys: (e.SECRETS_KEYS?.split(',') ?? [e.SECRETS_KEY ?? dev().secretsKey]).map((k) => Buffer.from(k, 'hex')),
    trustProxy,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    defaultReturnUrl: e.DEFAULT_RETURN_URL,
    resetTokenTtlSeconds: e.RESET_TOKEN_TTL_MINUTES * 60,
    resetMailQuotas: {
      perAddress: e.RESET_MAILS_PER_ADDRESS,
      perAddressAndIp: e.RESET_MAILS_PER_ADDRESS_AND_IP,
      addressesPerIp: e.RESET_ADDRESSES_PER_IP,
      unknownAddressesPerIp: e.RESET_UNKNOWN_ADDRESSES_PER_IP,
    },
    inviteTtlSeconds: e.INVITE_TTL_HOURS * 3600,
    accountEndCheckSeconds: e.ACCOUNT_END_CHECK_MINUTES * 60,
    accountHistory: { max: e.AUDIT_HISTORY_MAX, seconds: e.AUDIT_RETENTION_DAYS * 86_400 },
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    devDefaults,
  };
}

const cookieKeyList = (value: string) => value.split(',').map((k) => k.trim());

/** localhost, 127.0.0.0/8 or ::1: an issuer nobody else can reach. */
export function isLoopback(issuer: string): boolean {
  const host = new URL(issuer).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

/** A repeated character, a pattern or a word is not a secret, however long (security/secret-strength.ts). */
const notRandom = (secret: string) => secretBits(secret) < SECRET_MIN_BITS;

/** Settings that would run, but not safely; in production (and some always) the service refuses them. */
function weakSettings(e: z.infer<typeof schema>, issuer: string, trustProxy: boolean, production: boolean): string[] {
  const problems: string[] = [];
  if (e.COOKIE_KEYS !== undefined) {
    const keys = cookieKeyList(e.COOKIE_KEYS);
    if (keys.some((k) => !k)) problems.push('COOKIE_KEYS has a blank entry');
    else if (production && keys.some((k) => k.length < 32)) problems.push('COOKIE_KEYS: every key must be at least 32 characters');
    else if (production && keys.some(notRandom))
      problems.push('COOKIE_KEYS: a key is not random (a repeated character, a pattern or a word); generate each with `openssl rand -base64 32`');
  }
  if (e.SECRETS_KEY && e.SECRETS_KEYS) problems.push('set SECRETS_KEYS or SECRETS_KEY, not both');
  if (production && [e.SECRETS_KEY ?? '', ...(e.SECRETS_KEYS?.split(',') ?? [])].some((k) => k && notRandom(k)))
    problems.push('SECRETS_KEY is not random (a repeated character, a pattern or a word); generate one with `openssl rand -hex 32`');
  if (production && e.DEFAULT_RETURN_URL && !e.DEFAULT_RETURN_URL.startsWith('https://')) problems.push('DEFAULT_RETURN_URL must be an https URL');
  // The service speaks plain HTTP; with an https ISSUER, TLS ends at a proxy it must trust, or every secure cookie fails.
  if (issuer.startsWith('https:') && !trustProxy)
    problems.push('ISSUER is https but TRUST_PROXY is not set: run behind the TLS-terminating proxy and set TRUST_PROXY=true');
  return problems;
}
