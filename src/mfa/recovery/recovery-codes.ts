import { createHash, randomInt } from 'node:crypto';
import type { Actor, AccountDeps } from '../../accounts/events.ts';
import { replaceRecoveryCodes } from '../../accounts/operations/factors.ts';

/**
 * Ten single-use recovery codes, shown once. 10 characters from a 32-letter
 * alphabet without look-alikes (~50 bits each); stored only as hashes.
 */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const RECOVERY_CODE_COUNT = 10;

const normalize = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
export const recoveryCodeHash = (accountId: string, code: string) =>
  createHash('sha256')
    .update(`${accountId}:${normalize(code)}`)
    .digest('base64url');

export function newRecoveryCodes(accountId: string): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map((c) => recoveryCodeHash(accountId, c)) };
}

/** Gives the account a fresh set, voiding the old one; returns the codes to show once. */
export async function regenerateRecoveryCodes(s: AccountDeps, actor: Actor, accountId: string): Promise<string[]> {
  const { codes, hashes } = newRecoveryCodes(accountId);
  await replaceRecoveryCodes(s, actor, accountId, hashes);
  return codes;
}
