import { z } from 'zod';

/**
 * Which OpenID Connect profile the provider follows, and that profile's
 * settings: `standard` (the service as it always was) or `nlgov`, the OpenID
 * Connect NL GOV Assurance profile 1.0.1 with the NL GOV Assurance profile for
 * OAuth 2.0 1.1.0 under it (docs/nlgov.md). config.ts merges the schema into
 * its own; the bounds here are the profile's, so a setting outside them never
 * starts the service.
 */
export type ProfileName = 'standard' | 'nlgov';

/** How a finished sign-in went, by its RFC 8176 `amr` values without `mfa` (order does not matter). */
export const SIGN_IN_KINDS = ['pwd+otp', 'pwd+hwk', 'pwd+swk', 'hwk+user', 'swk+user'] as const;
type SignInKind = (typeof SIGN_IN_KINDS)[number];

const EIDAS = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
};

export interface ResourceServerSetting {
  /** The resource indicator (RFC 8707) and the access token's audience, as a normalised URL. */
  url: string;
  scopes: string[];
}

export interface NlgovSettings {
  /** Level-of-assurance URIs, lowest first: `acr_values_supported`. */
  acrLevels: string[];
  /** The level each way of signing in reaches. */
  acrMap: Record<SignInKind, string>;
  /** HMAC key of the pairwise subject identifiers: the same account, sector and salt give the same `sub`. */
  pairwiseSalt: Buffer;
  idTokenSeconds: number;
  accessTokenSeconds: number;
  /** How JWT access tokens are signed: PS256 (the profile's recommendation) or RS256 (what every resource server must verify). */
  accessTokenAlg: 'PS256' | 'RS256';
  refreshTokenSeconds: number;
}

export interface ProfileSettings {
  name: ProfileName;
  /** RESOURCE_SERVERS, in either profile: JWT access tokens for the APIs named here. */
  resourceServers: ResourceServerSetting[];
  /** Set with the nlgov profile only. */
  nlgov?: NlgovSettings;
}

const minutes = (max: number, why: string) => z.coerce.number().int().min(1).max(max, `at most ${max}: ${why}`).optional();

/** The profile's variables of the environment; config.ts merges this into its schema. */
export const profileEnvSchema = z.object({
  OIDC_PROFILE: z.enum(['standard', 'nlgov']).default('standard'),
  RESOURCE_SERVERS: z.string().optional(),
  PAIRWISE_SALT: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes); `openssl rand -hex 32`')
    .optional(),
  NLGOV_ACR_VALUES: z.string().optional(),
  NLGOV_ACR_MAP: z.string().optional(),
  NLGOV_ID_TOKEN_TTL_MINUTES: minutes(5, 'the profile keeps ID tokens to five minutes'),
  NLGOV_ACCESS_TOKEN_TTL_MINUTES: minutes(60, 'the profile keeps access tokens to one hour'),
  NLGOV_REFRESH_TOKEN_TTL_MINUTES: minutes(360, 'the profile lets an unused refresh token live six hours at most'),
  NLGOV_ACCESS_TOKEN_SIGNING_ALG: z.enum(['PS256', 'RS256']).optional(),
});
type ProfileEnv = z.infer<typeof profileEnvSchema>;

const NLGOV_ONLY = [
  'PAIRWISE_SALT',
  'NLGOV_ACR_VALUES',
  'NLGOV_ACR_MAP',
  'NLGOV_ID_TOKEN_TTL_MINUTES',
  'NLGOV_ACCESS_TOKEN_TTL_MINUTES',
  'NLGOV_REFRESH_TOKEN_TTL_MINUTES',
  'NLGOV_ACCESS_TOKEN_SIGNING_ALG',
] as const;
/** The scopes of OpenID Connect itself, which no resource server may claim. */
const OIDC_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const list = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
const normalKind = (kind: string) =>
  kind
    .split('+')
    .map((v) => v.trim())
    .sort()
    .join('+');
const KIND_BY_NORMAL = new Map(SIGN_IN_KINDS.map((kind) => [normalKind(kind), kind]));

/** RESOURCE_SERVERS: `URL=scope scope…`, comma-separated. */
function resourceServersFrom(value: string | undefined, production: boolean, problems: string[]): ResourceServerSetting[] {
  if (value === undefined) return [];
  const servers: ResourceServerSetting[] = [];
  for (const entry of list(value)) {
    const at = entry.indexOf('=');
    const url = URL.parse(at > 0 ? entry.slice(0, at).trim() : '');
    const scopes =
      at > 0
        ? entry
            .slice(at + 1)
            .split(' ')
            .filter(Boolean)
        : [];
    const odd = scopes.find((s) => !SCOPE_TOKEN.test(s) || OIDC_SCOPES.has(s));
    const problem = !url
      ? 'is not URL=scope scope…'
      : url.hash || !/^https?:$/.test(url.protocol)
        ? 'must be an http(s) URL without a fragment'
        : production && url.protocol !== 'https:'
          ? 'must be an https URL'
          : !scopes.length
            ? 'names no scope'
            : odd
              ? `has a scope that is invalid or one of OpenID Connect's own: "${odd}"`
              : undefined;
    if (problem) problems.push(`RESOURCE_SERVERS: "${entry}" ${problem}`);
    else if (servers.some((s) => s.url === url!.href)) problems.push(`RESOURCE_SERVERS: ${url!.href} is listed twice`);
    else servers.push({ url: url!.href, scopes });
  }
  return servers;
}

function acrFrom(e: ProfileEnv, problems: string[]): Pick<NlgovSettings, 'acrLevels' | 'acrMap'> {
  const acrLevels = e.NLGOV_ACR_VALUES === undefined ? Object.values(EIDAS) : list(e.NLGOV_ACR_VALUES);
  if (!acrLevels.length || acrLevels.some((uri) => !URL.parse(uri)))
    problems.push('NLGOV_ACR_VALUES: must be comma-separated absolute URIs, lowest level first');
  const acrMap = Object.fromEntries(SIGN_IN_KINDS.map((kind) => [kind, EIDAS.substantial])) as Record<SignInKind, string>;
  for (const entry of e.NLGOV_ACR_MAP === undefined ? [] : list(e.NLGOV_ACR_MAP)) {
    const at = entry.indexOf('=');
    const kind = KIND_BY_NORMAL.get(normalKind(entry.slice(0, Math.max(at, 0))));
    if (!kind) problems.push(`NLGOV_ACR_MAP: "${entry}" is not <sign-in>=<level URI> with a sign-in of ${SIGN_IN_KINDS.join(', ')}`);
    else acrMap[kind] = entry.slice(at + 1).trim();
  }
  for (const [kind, level] of Object.entries(acrMap)) {
    if (!acrLevels.includes(level)) problems.push(`NLGOV_ACR_MAP: ${kind} maps to ${level}, which is not in NLGOV_ACR_VALUES`);
  }
  return { acrLevels, acrMap };
}

/** The profile's settings; with `nlgov`, a missing PAIRWISE_SALT is a development default (a salt kept under DATA_DIR). */
export function profileSettingsFrom(
  e: ProfileEnv & { CLIENTS_FILE?: string },
  production: boolean,
  devPairwiseSalt: () => string,
): { settings: ProfileSettings; problems: string[]; devDefaults: string[] } {
  const problems: string[] = [];
  const devDefaults: string[] = [];
  const resourceServers = resourceServersFrom(e.RESOURCE_SERVERS, production, problems);
  if (e.OIDC_PROFILE === 'standard') {
    for (const name of NLGOV_ONLY.filter((n) => e[n] !== undefined)) problems.push(`${name}: only used with OIDC_PROFILE=nlgov`);
    return { settings: { name: 'standard', resourceServers }, problems, devDefaults };
  }
  if (!e.CLIENTS_FILE)
    problems.push('CLIENTS_FILE: required with OIDC_PROFILE=nlgov (the development demo client has a client secret, which the profile forbids)');
  if (!e.PAIRWISE_SALT) devDefaults.push('PAIRWISE_SALT is not set (a generated salt is used; every pairwise sub changes with it)');
  const nlgov: NlgovSettings = {
    ...acrFrom(e, problems),
    // Production refuses development defaults before using any: nothing is generated there.
    pairwiseSalt: Buffer.from(e.PAIRWISE_SALT ?? (production ? '' : devPairwiseSalt()), 'hex'),
    idTokenSeconds: (e.NLGOV_ID_TOKEN_TTL_MINUTES ?? 5) * 60,
    accessTokenSeconds: (e.NLGOV_ACCESS_TOKEN_TTL_MINUTES ?? 10) * 60,
    refreshTokenSeconds: (e.NLGOV_REFRESH_TOKEN_TTL_MINUTES ?? 120) * 60,
    accessTokenAlg: e.NLGOV_ACCESS_TOKEN_SIGNING_ALG ?? 'PS256',
  };
  return { settings: { name: 'nlgov', resourceServers, nlgov }, problems, devDefaults };
}
