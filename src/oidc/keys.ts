import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import type { ProfileName } from '../profile-config.ts';
import { ConfigError } from '../config.ts';

export interface PrivateJwks {
  keys: JWK[];
}

interface KeyNeed {
  alg: string;
  use: 'sig' | 'enc';
}

/**
 * The keys each profile signs and decrypts with, one key per algorithm, each
 * with its own `kid`. Standard: ES256 first (the default for ID tokens), RS256
 * alongside for clients that cannot verify ECDSA. NL GOV: RSA only (RS256 is
 * the profile's must, PS256 its recommendation, RSA-OAEP with RSA-OAEP-256 for
 * request objects encrypted to the provider), 3072-bit as the NCSC rates "good".
 */
const PROFILE_KEYS: Record<ProfileName, KeyNeed[]> = {
  standard: [
    { alg: 'ES256', use: 'sig' },
    { alg: 'RS256', use: 'sig' },
  ],
  nlgov: [
    { alg: 'PS256', use: 'sig' },
    { alg: 'RS256', use: 'sig' },
    { alg: 'RSA-OAEP', use: 'enc' },
    { alg: 'RSA-OAEP-256', use: 'enc' },
  ],
};

const useOf = (key: JWK) => key.use ?? (key.alg?.startsWith('RSA-OAEP') ? 'enc' : 'sig');
const missingFrom = (jwks: PrivateJwks, profile: ProfileName) =>
  PROFILE_KEYS[profile].filter((need) => !jwks.keys.some((k) => k.alg === need.alg && useOf(k) === need.use));

async function generateKey({ alg, use }: KeyNeed, profile: ProfileName): Promise<JWK> {
  const rsa = alg.startsWith('ES') ? {} : { modulusLength: profile === 'nlgov' ? 3072 : 2048 };
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...rsa });
  return { ...(await exportJWK(privateKey)), alg, use, kid: `${alg.toLowerCase()}-${Date.now().toString(36)}` };
}

/** A fresh private key set for the profile (`npx idp keys generate`). */
export async function generateJwks(profile: ProfileName = 'standard'): Promise<PrivateJwks> {
  const keys: JWK[] = [];
  for (const need of PROFILE_KEYS[profile]) keys.push(await generateKey(need, profile));
  return { keys };
}

function parseJwks(text: string, source: string): PrivateJwks {
  const jwks = JSON.parse(text) as PrivateJwks;
  if (!Array.isArray(jwks.keys) || !jwks.keys.length || !jwks.keys.every((k) => 'd' in k)) {
    throw new Error(`${source} must hold a JSON Web Key Set of private keys ({"keys":[...]}); "npx idp keys generate" makes one`);
  }
  return jwks;
}

/**
 * JWKS_FILE in production; in development, keys generated once and kept under
 * DATA_DIR, gaining the keys a profile needs when it is first started with it.
 * A JWKS_FILE without a key the profile needs is refused, naming the key.
 */
export async function loadSigningKeys(jwksFile: string | undefined, dataDir: string, profile: ProfileName = 'standard'): Promise<PrivateJwks> {
  if (jwksFile) {
    const jwks = parseJwks(readFileSync(jwksFile, 'utf8'), `JWKS_FILE (${jwksFile})`);
    const missing = missingFrom(jwks, profile);
    if (missing.length) {
      throw new ConfigError(
        `JWKS_FILE (${jwksFile}) has no ${missing.map((k) => `${k.alg} key (use "${k.use}")`).join(', no ')}, which OIDC_PROFILE=${profile} needs; "OIDC_PROFILE=${profile} npx idp keys generate" makes a set with them`,
      );
    }
    return jwks;
  }
  const devFile = join(dataDir, 'dev-jwks.json');
  let jwks: PrivateJwks;
  try {
    jwks = parseJwks(readFileSync(devFile, 'utf8'), devFile);
  } catch {
    jwks = { keys: [] };
  }
  const missing = missingFrom(jwks, profile);
  if (!missing.length) return jwks;
  for (const need of missing) jwks.keys.push(await generateKey(need, profile));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(devFile, JSON.stringify(jwks), { mode: 0o600 });
  return jwks;
}

/** The keys of the set the provider is given: without encryption (standard profile) it has no use for `enc` keys. */
export function keysForProvider(jwks: PrivateJwks, decrypts: boolean): PrivateJwks {
  return decrypts ? jwks : { keys: jwks.keys.filter((k) => useOf(k) !== 'enc') };
}
