import { createHash, randomInt } from 'node:crypto';
import type { Actor, AccountDeps } from '../../accounts/events.ts';
import { replaceRecoveryCodes, spendRecoveryCode } from '../../accounts/operations/factors.ts';
import { accountsOf } from '../../accounts/update.ts';
import type { CodeCheckDeps } from '../totp/check-code.ts';
import type { FactorResult } from '../result.ts';

/**
 * Ten single-use recovery codes, shown once. 10 characters from a 32-letter
 * alphabet without look-alikes (~50 bits each); stored only as hashes.
 */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const RECOVERY_CODE_COUNT = 10;

const normalize = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
export const recoveryCodeHash = (accountId: string, code: string) => createHash('sha256').update(`${accountId}:${normalize(code)}`).digest('base64url');

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

type RecoveryDeps = CodeCheckDeps & AccountDeps;

/**
 * Uses one recovery code: limited like verification codes (the point taken
 * first), and single use even under parallel requests (the replay guard
 * decides who wins).
 */
export async function useRecoveryCode(d: RecoveryDeps, actor: Actor, accountId: string, code: string): Promise<FactorResult<{ remaining: number }>> {
  const taken = await d.limits.takeCodeAttempt(accountId);
  if (taken.kind === 'locked') return taken;
  const hash = recoveryCodeHash(accountId, code);
  const account = await accountsOf(d.store).findById(accountId);
  if (account?.recoveryCodes.includes(hash) && (await d.replay.claim(accountId, `recovery:${hash}`, 365 * 86400))) {
    const updated = await spendRecoveryCode(d, actor, accountId, hash);
    await taken.attempt.succeeded();
    return { kind: 'ok', remaining: updated?.recoveryCodes.length ?? 0 };
  }
  await taken.attempt.failed();
  d.audit('mfa.failure', { accountId, factor: 'recovery' });
  return { kind: 'invalid' };
}
