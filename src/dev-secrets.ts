import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development only: cookie keys and the secrets key are generated once and kept
 * under DATA_DIR, so that sessions and enrolled authenticators survive a restart.
 */
interface DevSecrets { cookieKeys: string[]; secretsKey: string }

export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  } catch {
    const secrets = { cookieKeys: [randomBytes(32).toString('base64url')], secretsKey: randomBytes(32).toString('hex') };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
    return secrets;
  }
}
