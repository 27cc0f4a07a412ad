import { createHash, randomInt } from 'node:crypto';
import type { AccountStore } from '../../../adapters/types.ts';
import type { Account } from '../../accounts/account.ts';
import { updateAccount } from '../../accounts/update.ts';
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
export async function regenerateRecoveryCodes(accounts: AccountStore<Account>, accountId: string): Promise<string[]> {
  const { codes, hashes } = newRecoveryCodes(accountId);
  await updateAccount(accounts, accountId, (a) => { a.recoveryCodes = hashes; });
  return codes;
}

interface RecoveryDeps extends CodeCheckDeps { accounts: AccountStore<Account> }

/**
 * Uses one recovery code: limited like verification codes (the point taken
 * first), and single use even under parallel requests (the replay guard
 * decides who wins).
 */
export async function useRecoveryCode(d: RecoveryDeps, accountId: string, code: string): Promise<FactorResult<{ remaining: number }>> {
  const taken = await d.limits.takeCodeAttempt(accountId);
  if (taken.kind === 'locked') return taken;
  const hash = recoveryCodeHash(accountId, code);
  const account = await d.accounts.findById(accountId);
  if (account?.recoveryCodes.includes(hash) && (await d.replay.claim(accountId, `recovery:${hash}`, 365 * 86400))) {
    const updated = await updateAccount(d.accounts, accountId, (a) => { a.recoveryCodes = a.recoveryCodes.filter((h) => h !== hash); });
    await taken.attempt.succeeded();
    d.audit('recovery.used', { accountId, remaining: updated?.recoveryCodes.length });
    return { kind: 'ok', remaining: updated?.recoveryCodes.length ?? 0 };
  }
  await taken.attempt.failed();
  d.audit('mfa.failure', { accountId, factor: 'recovery' });
  return { kind: 'invalid' };
}
