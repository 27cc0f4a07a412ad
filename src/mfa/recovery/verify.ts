import type { AccountStore, ReplayGuard } from '../../../adapters/types.ts';
import type { Account } from '../../accounts/account.ts';
import { updateAccount } from '../../accounts/update.ts';
import { codeAttempt, type CodeAttemptDeps } from '../code-attempt.ts';
import type { FactorResult, Via } from '../result.ts';
import { recoveryCodeHash } from './recovery-codes.ts';

interface RecoveryDeps extends CodeAttemptDeps { replay: ReplayGuard; accounts: AccountStore<Account> }

/** A recovery code stays claimed for a year: longer than any set of codes is kept. */
const CLAIM_SECONDS = 365 * 86400;

/**
 * Uses one recovery code of the account: limited like verification codes
 * (code-attempt.ts), single use even under parallel requests (the replay guard
 * decides who wins), crossed off the account, audited either way. Answers how
 * many codes remain.
 */
export async function verifyRecoveryCode(d: RecoveryDeps, accountId: string, code: string, via: Via): Promise<FactorResult<{ remaining: number }>> {
  const hash = recoveryCodeHash(accountId, code);
  const result = await codeAttempt(d, { accountId, factor: 'recovery', via }, async () => {
    const account = await d.accounts.findById(accountId);
    if (!account?.recoveryCodes.includes(hash) || !(await d.replay.claim(accountId, `recovery:${hash}`, CLAIM_SECONDS))) return undefined;
    const updated = await updateAccount(d.accounts, accountId, (a) => { a.recoveryCodes = a.recoveryCodes.filter((h) => h !== hash); });
    return { remaining: updated?.recoveryCodes.length ?? 0 };
  });
  if (result.kind !== 'ok') return result;
  d.audit('recovery.used', { accountId, remaining: result.remaining, via });
  return { kind: 'ok', remaining: result.remaining };
}
