import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { JWK } from 'jose';
import { ConfigError, isLoopback } from '../config.ts';
import { PLACEHOLDER, SECRET_MIN_BITS, secretBits } from '../security/secret-strength.ts';

/**
 * UPSTREAM_PROVIDERS_FILE: the OpenID providers whose sign-in may stand in for
 * the password step (SURFconext, eduID). A JSON array; README, "Sign in with your
 * institution", and docs/upstream.md describe every field.
 */
const text = z.string().trim().min(1);
const claimName = z.string().regex(/^[\w:.-]{1,100}$/, 'must be a claim name');

const entry = z
  .object({
    /** In the service's URLs (/upstream/<id>/callback, the redirect URI registered upstream). */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lowercase letters, digits or dashes'),
    issuer: z.url({ protocol: /^https?$/ }),
    client_id: text,
    /** client_secret_basic (the default with a secret), client_secret_post, or private_key_jwt (with private_key_file). */
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional(),
    client_secret: text.optional(),
    /** A private JWK (JSON) with its `kid` and `alg`: private_key_jwt's signing key. */
    private_key_file: text.optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
      .default(['openid'])
      .refine((s) => s.includes('openid'), 'must include openid'),
    display_name: z.object({ nl: text, en: text }),
    /** The claim of the ID token that identifies the person at this provider, stably (SURFconext: sub). */
    identifier_claim: claimName.default('sub'),
    /** What the provider registered for this service: persistent identifiers, or transient ones (a new one at every login), which link nothing. */
    subject_type: z.enum(['persistent', 'transient']).default('persistent'),
    /** Claims kept with a link so that the holder and the helpdesk recognise it (SURFconext: schac_home_organization, eduperson_principal_name). */
    label_claims: z.array(claimName).max(5).default([]),
    id_token_signed_response_alg: z
      .string()
      .regex(/^[A-Z]{2}\d{3}$/)
      .default('RS256'),
    /** Longest wait for any request to the provider (discovery, keys, token endpoint). */
    timeout_seconds: z.number().positive().max(60).default(10),
  })
  .strict();

type Entry = z.infer<typeof entry>;

type ClientAuthentication =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string }
  /** The private JWK, read at start-up; its public half is served at /upstream/jwks for the registration. */
  | { method: 'private_key_jwt'; key: JWK };

export interface UpstreamProvider {
  id: string;
  issuer: string;
  clientId: string;
  auth: ClientAuthentication;
  scopes: string[];
  displayName: { nl: string; en: string };
  identifierClaim: string;
  subjectType: 'persistent' | 'transient';
  labelClaims: string[];
  idTokenAlg: string;
  timeoutSeconds: number;
}

/** Plain http only for an issuer on this machine (tests, development): discovery, keys and tokens travel over it. */
function issuerProblem(issuer: string): string | undefined {
  const url = new URL(issuer);
  if (url.search || url.hash) return 'must have no query or fragment';
  if (url.protocol === 'http:' && !isLoopback(issuer)) return 'must be https (plain http only for a loopback issuer)';
  return undefined;
}

/** Signing algorithms of a private_key_jwt key: what the providers' token endpoints accept (SURFconext: RS256). */
const KEY_ALGORITHMS = new Set(['RS256', 'PS256', 'ES256']);

/** The private JWK of private_key_file: with its kid, an algorithm above, and its private part. */
function privateKey(file: string, problems: string[]): JWK | undefined {
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (err) {
    problems.push(`private_key_file ${file} cannot be read as a JWK: ${(err as Error).message}`);
    return undefined;
  }
  if (typeof jwk?.kid !== 'string' || !KEY_ALGORITHMS.has(String(jwk.alg)) || typeof jwk.d !== 'string') {
    problems.push(`private_key_file ${file} must be a private JWK with a kid and an alg of ${[...KEY_ALGORITHMS].join(', ')}`);
    return undefined;
  }
  return jwk;
}

/** The public half of a private JWK (what /upstream/jwks serves). */
export function publicHalf({ kty, crv, x, y, n, e, kid, alg }: JWK): JWK {
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, kid, alg, use: 'sig' }).filter(([, v]) => v !== undefined)) as JWK;
}

function authOf(e: Entry, production: boolean, problems: string[]): ClientAuthentication | undefined {
  const method = e.token_endpoint_auth_method ?? (e.private_key_file ? 'private_key_jwt' : 'client_secret_basic');
  if (method === 'private_key_jwt') {
    if (!e.private_key_file || e.client_secret) {
      problems.push('private_key_jwt takes private_key_file and no client_secret');
      return undefined;
    }
    const key = privateKey(e.private_key_file, problems);
    return key && { method, key };
  }
  if (!e.client_secret || e.private_key_file) {
    problems.push(`${method} takes client_secret and no private_key_file`);
    return undefined;
  }
  if (production && PLACEHOLDER.test(e.client_secret)) problems.push("client_secret is still the example's placeholder");
  else if (production && (e.client_secret.length < 32 || secretBits(e.client_secret) < SECRET_MIN_BITS))
    problems.push('client_secret is shorter than 32 characters or not random');
  return { method, secret: e.client_secret };
}

/** The providers of the file, or none without one; ConfigError naming every problem. */
export function loadUpstreamProviders(file: string | undefined, production: boolean): UpstreamProvider[] {
  if (!file) return [];
  const fail = (lines: string[]) => new ConfigError(`UPSTREAM_PROVIDERS_FILE (${file}):\n  ${lines.join('\n  ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail([`cannot be read as JSON: ${(err as Error).message}`]);
  }
  const parsed = z.array(entry).safeParse(raw);
  if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`));

  const problems: string[] = [];
  const providers = parsed.data.flatMap((e, i): UpstreamProvider[] => {
    const at = (problem: string) => `${i}.${e.id}: ${problem}`;
    const own: string[] = [];
    const issuer = issuerProblem(e.issuer);
    if (issuer) own.push(`issuer ${issuer}`);
    const auth = authOf(e, production, own);
    problems.push(...own.map(at));
    if (own.length || !auth) return [];
    return [
      {
        id: e.id,
        issuer: e.issuer,
        clientId: e.client_id,
        auth,
        scopes: e.scopes,
        displayName: e.display_name,
        identifierClaim: e.identifier_claim,
        subjectType: e.subject_type,
        labelClaims: e.label_claims,
        idTokenAlg: e.id_token_signed_response_alg,
        timeoutSeconds: e.timeout_seconds,
      },
    ];
  });
  const twice = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  for (const id of twice(parsed.data.map((e) => e.id))) problems.push(`id ${id} is listed twice`);
  for (const issuer of twice(parsed.data.map((e) => e.issuer))) problems.push(`issuer ${issuer} is listed twice (one entry per provider)`);
  if (problems.length) throw fail(problems);
  return providers;
}
