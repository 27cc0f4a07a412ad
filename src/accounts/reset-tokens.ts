import { tokenHash } from '../security/random-token.ts';

/** The single-use token purpose of set-password links; every live link of an account is voided together. */
export const RESET_PURPOSE = 'password-reset';

/** The link carries the account id and a 256-bit secret; only the secret's hash is stored. */
export function parseResetToken(value: unknown): { accountId: string; hash: string } | undefined {
  if (typeof value !== 'string' || value.length > 200) return undefined;
  const match = /^([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { accountId: match[1]!, hash: tokenHash(match[2]!) } : undefined;
}
