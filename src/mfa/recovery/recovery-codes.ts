import { createHash, randomInt } from 'node:crypto';
import type { Services } from '../../services.ts';
import type { FieldMessage } from '../../web/form.ts';
import { updateAccount } from '../../accounts/update.ts';

/**
 * Ten single-use recovery codes, shown once. 10 characters from a 32-letter
 * alphabet without look-alikes (~50 bits each); stored only as hashes.
 */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const RECOVERY_CODE_COUNT = 10;

const normalize = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
export const recoveryHash = (accountId: string, code: string) => createHash('sha256').update(`${accountId}:${normalize(code)}`).digest('base64url');

export function newRecoveryCodes(accountId: string): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map((c) => recoveryHash(accountId, c)) };
}

/** Gives the account a fresh set, voiding the old one; returns the codes to show once. */
export async function regenerateRecoveryCodes(s: Services, accountId: string): Promise<string[]> {
  const { codes, hashes } = newRecoveryCodes(accountId);
  await updateAccount(s.accounts, accountId, (a) => { a.recoveryCodes = hashes; });
  return codes;
}

/**
 * Uses one recovery code: rate-limited like verification codes, and single use
 * even under parallel requests (the replay guard decides who wins).
 */
export async function useRecoveryCode(s: Services, accountId: string, code: string): Promise<{ remaining: number } | FieldMessage> {
  const blocked = await s.limits.codeBlockedFor(accountId);
  if (blocked) return { key: 'verify.locked', params: { minutes: Math.ceil(blocked / 60) } };
  const hash = recoveryHash(accountId, code);
  const account = await s.accounts.findById(accountId);
  if (account?.recoveryCodes.includes(hash) && (await s.store.replay.claim(accountId, `recovery:${hash}`, 365 * 86400))) {
    const updated = await updateAccount(s.accounts, accountId, (a) => { a.recoveryCodes = a.recoveryCodes.filter((h) => h !== hash); });
    await s.limits.codeSucceeded(accountId);
    s.audit('recovery.used', { accountId, remaining: updated?.recoveryCodes.length });
    return { remaining: updated?.recoveryCodes.length ?? 0 };
  }
  await s.limits.codeFailed(accountId);
  s.audit('mfa.failure', { accountId, factor: 'recovery' });
  return 'recovery.invalid';
}
