import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development only: cookie keys, the secrets key and the pairwise salt are
 * generated once and kept under DATA_DIR, so that sessions, enrolled
 * authenticators and pairwise subject identifiers survive a restart.
 */
interface DevSecrets {
  cookieKeys: string[];
  secretsKey: string;
  pairwiseSalt: string;
}

export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  let kept: Partial<DevSecrets> | undefined;
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  } catch {
    kept = undefined;
  }
  if (kept?.cookieKeys && kept.secretsKey && kept.pairwiseSalt) return kept as DevSecrets;
  // A file from before the pairwise salt existed keeps its keys and gains the salt.
  const secrets = {
    cookieKeys: kept?.cookieKeys ?? [randomBytes(32).toString('base64url')],
    secretsKey: kept?.secretsKey ?? randomBytes(32).toString('hex'),
    pairwiseSalt: randomBytes(32).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: kept ? 'w' : 'wx' });
  return secrets;
}
