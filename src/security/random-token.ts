import { createHash, randomBytes } from 'node:crypto';

/** The one token issuer: 256 bits from the CSPRNG; only the SHA-256 of a token is ever stored. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
