import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';

export interface PrivateJwks { keys: JWK[] }

/** ES256 first (the default for ID tokens), RS256 alongside for clients that cannot verify ECDSA. */
export async function generateJwks(): Promise<PrivateJwks> {
  const keys: JWK[] = [];
  for (const alg of ['ES256', 'RS256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${Date.now().toString(36)}` });
  }
  return { keys };
}

function parseJwks(text: string, source: string): PrivateJwks {
  const jwks = JSON.parse(text) as PrivateJwks;
  if (!Array.isArray(jwks.keys) || !jwks.keys.length || !jwks.keys.every((k) => 'd' in k)) {
    throw new Error(`${source} must hold a JSON Web Key Set of private keys ({"keys":[...]}); "npx idp keys generate" makes one`);
  }
  return jwks;
}

/** JWKS_FILE in production; in development, keys generated once and kept under DATA_DIR. */
export async function loadSigningKeys(jwksFile: string | undefined, dataDir: string): Promise<PrivateJwks> {
  if (jwksFile) return parseJwks(readFileSync(jwksFile, 'utf8'), `JWKS_FILE (${jwksFile})`);
  const devFile = join(dataDir, 'dev-jwks.json');
  try {
    return parseJwks(readFileSync(devFile, 'utf8'), devFile);
  } catch {
    const jwks = await generateJwks();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(devFile, JSON.stringify(jwks), { mode: 0o600 });
    return jwks;
  }
}
