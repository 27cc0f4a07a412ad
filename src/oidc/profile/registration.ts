import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError } from '../../config.ts';
import type { NlgovSettings } from '../../profile-config.ts';

const CONFIDENTIAL = 'private_key_jwt';
const PUBLIC = 'none';
const USER_GRANTS = new Set(['authorization_code', 'refresh_token']);
const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * A redirect URI the profile allows: https, or http on a literal loopback
 * address (RFC 8252 §7.3; never `localhost`). The service's own pages (My
 * account) are on the issuer itself, which production requires to be https.
 */
function redirectProblem(uri: string, native: boolean, s: Setup): string | undefined {
  const url = URL.parse(uri);
  const production = s.production;
  if (!url) return `redirect URI ${uri} is not a URL`;
  if (url.protocol === 'https:' || url.origin === new URL(s.issuer).origin) return undefined;
  if (url.protocol === 'http:' && LOOPBACK_IPS.has(url.hostname) && (native || !production)) return undefined;
  if (url.protocol === 'http:' && url.hostname === 'localhost')
    return `redirect URI ${uri}: a loopback redirect must use the IP address (127.0.0.1 or [::1]), not localhost`;
  return `redirect URI ${uri} must be https (http only on a loopback IP address${production ? ', for a native application' : ''})`;
}

/** The profile's rules for one registration (ClientProfile, Registration; NL GOV OAuth 2.1–2.3, 3.1.1). */
interface Setup {
  n: NlgovSettings;
  issuer: string;
  production: boolean;
}

function rulesBroken(c: ClientMetadata, s: Setup): string[] {
  const { n } = s;
  const broken: string[] = [];
  const method = c.token_endpoint_auth_method ?? CONFIDENTIAL;
  const grants = (c.grant_types as string[] | undefined) ?? ['authorization_code'];
  const responseTypes = (c.response_types as string[] | undefined) ?? ['code'];
  if (c.client_secret !== undefined) broken.push('has a client_secret: confidential clients authenticate with private_key_jwt, public ones with none');
  if (method !== CONFIDENTIAL && method !== PUBLIC)
    broken.push(`token_endpoint_auth_method ${method}: only private_key_jwt (confidential clients) or none (public clients, with PKCE)`);
  if (method === CONFIDENTIAL && (c.jwks === undefined) === (c.jwks_uri === undefined))
    broken.push("private_key_jwt needs the client's public keys as jwks or as jwks_uri (exactly one of the two)");
  const jwks = c.jwks as { keys?: Record<string, unknown>[] } | undefined;
  if (jwks?.keys?.some((k) => 'd' in k)) broken.push('jwks holds a private key: register the public keys only');
  if (responseTypes.some((t) => t !== 'code'))
    broken.push(`response_types ${responseTypes.join(', ')}: the authorization code flow only (no implicit or hybrid response type)`);
  const userFlow = grants.includes('authorization_code') && grants.every((g) => USER_GRANTS.has(g));
  const directAccess = grants.length === 1 && grants[0] === 'client_credentials';
  if (!userFlow && !directAccess)
    broken.push(`grant_types ${grants.join(', ')}: one mode per client, authorization_code (with refresh_token if needed) or client_credentials`);
  if (directAccess && method !== CONFIDENTIAL) broken.push('client_credentials needs private_key_jwt');
  if (c.subject_type !== undefined && c.subject_type !== 'pairwise')
    broken.push(`subject_type ${String(c.subject_type)}: subjects are pairwise in this profile`);
  for (const uri of (c.redirect_uris as string[] | undefined) ?? []) {
    const problem = redirectProblem(uri, c.application_type === 'native', s);
    if (problem) broken.push(problem);
  }
  for (const acr of (c.default_acr_values as string[] | undefined) ?? []) {
    if (!n.acrLevels.includes(acr)) broken.push(`default_acr_values ${acr} is not one of NLGOV_ACR_VALUES`);
  }
  return broken;
}

/** NL GOV OAuth 2.1.1: each client has a public key of its own; one registered inline for two clients is named. */
function sharedKeys(clients: ClientMetadata[]): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const c of clients) {
    for (const k of (c.jwks as { keys?: Record<string, unknown>[] } | undefined)?.keys ?? []) {
      const material = [k.kty, k.n, k.e, k.crv, k.x, k.y].join(' ');
      const owner = owners.get(material);
      if (owner && owner !== c.client_id)
        problems.push(`client "${c.client_id}": its key ${String(k.kid ?? '')} is also client "${owner}"'s: every client has a key pair of its own`);
      else owners.set(material, c.client_id);
    }
  }
  return problems;
}

/**
 * Every registration, checked at start-up against the profile's rules and then
 * by node-oidc-provider's own validation of client metadata, which fetches a
 * `sector_identifier_uri` and checks that it lists every redirect URI of the
 * client (OpenID Connect Core §8.1). The service refuses to start on any
 * problem, naming the client and the rule.
 */
export async function checkRegistrations(provider: Provider, clients: ClientMetadata[], n: NlgovSettings, production: boolean): Promise<void> {
  const setup = { n, issuer: provider.issuer, production };
  const problems = clients.flatMap((c) => rulesBroken(c, setup).map((rule) => `client "${c.client_id}": ${rule}`));
  problems.push(...sharedKeys(clients));
  if (!problems.length) {
    for (const c of clients) {
      try {
        await provider.Client.find(c.client_id);
      } catch (err) {
        const e = err as { error_description?: string; message: string; cause?: { message?: string } };
        const said = e.error_description ?? e.message;
        const detail = e.cause?.message && e.cause.message !== said ? ` (${e.cause.message})` : '';
        problems.push(`client "${c.client_id}": ${said}${detail}`);
      }
    }
  }
  if (problems.length) throw new ConfigError(`CLIENTS_FILE breaks the NL GOV profile (OIDC_PROFILE=nlgov):\n  ${problems.join('\n  ')}`);
}
