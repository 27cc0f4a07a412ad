import type { AccountStore, ReplayGuard, Store } from '../../../adapters/types.ts';
import type { Account } from '../../accounts/account.ts';
import type { Actor } from '../../accounts/events.ts';
import { spendRecoveryCode } from '../../accounts/operations/factors.ts';
import { codeAttempt, type CodeAttemptDeps } from '../code-attempt.ts';
import type { FactorResult, Via } from '../result.ts';
import { recoveryCodeHash } from './recovery-codes.ts';

interface RecoveryDeps extends CodeAttemptDeps {
  replay: ReplayGuard;
  accounts: AccountStore<Account>;
  store: Store;
}

/** Who uses the code: its holder, at a sign-in, on My account, or a staff member confirming it is them in the console. */
const actorOf = (via: Via, account: Account): Actor => (via === 'console' ? { via, by: { id: account.id, email: account.email } } : { via });

/** A recovery code stays claimed for a year: longer than any set of codes is kept. */
const CLAIM_SECONDS = 365 * 86400;

/**
 * Uses one recovery code of the account: limited like verification codes
 * (code-attempt.ts), single use even under parallel requests (the replay guard
 * decides who wins), crossed off the account (which records its use: accounts/operations), a failure audited. Answers how
 * many codes remain.
 */
export async function verifyRecoveryCode(d: RecoveryDeps, accountId: string, code: string, via: Via): Promise<FactorResult<{ remaining: number }>> {
  const hash = recoveryCodeHash(accountId, code);
  const result = await codeAttempt(d, { accountId, factor: 'recovery', via }, async () => {
    const account = await d.accounts.findById(accountId);
    if (!account?.recoveryCodes.includes(hash) || !(await d.replay.claim(accountId, `recovery:${hash}`, CLAIM_SECONDS))) return undefined;
    const updated = await spendRecoveryCode(d, actorOf(via, account), accountId, hash);
    return { remaining: updated?.recoveryCodes.length ?? 0 };
  });
  if (result.kind !== 'ok') return result;
  return { kind: 'ok', remaining: result.remaining };
}
