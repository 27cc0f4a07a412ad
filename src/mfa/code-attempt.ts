import type { Audit } from '../audit.ts';
import type { Limits } from '../security/rate-limits.ts';
import type { FactorResult, OnPass, Via } from './result.ts';

export interface CodeAttemptDeps {
  limits: Limits;
  audit: Audit;
}

/** Whose code, which kind (the amr value: otp, recovery), and where it was typed. */
interface Attempted {
  accountId: string;
  factor: 'otp' | 'recovery';
  via: Via;
}

/**
 * One attempt at a typed code (an authenticator app's, a recovery code): a point
 * is taken from the account's code limit before the code is looked at, and given
 * back when `check` accepts it; a refusal and a lockout are audited here, an
 * accepted code by its verifier (which knows what it found). `onPass` runs only
 * for an accepted code, alongside its point's return (result.ts).
 */
export async function codeAttempt<F extends object, T = undefined>(
  d: CodeAttemptDeps,
  at: Attempted,
  check: () => Promise<F | undefined>,
  onPass?: OnPass<[], T>,
): Promise<FactorResult<F & { passed: T }>> {
  const taken = await d.limits.takeCodeAttempt(at.accountId);
  if (taken.kind === 'locked') {
    d.audit('login.locked', { accountId: at.accountId, step: 'code', via: at.via });
    return taken;
  }
  const found = await check();
  if (!found) {
    await taken.attempt.failed();
    d.audit('mfa.failure', { accountId: at.accountId, factor: at.factor, via: at.via });
    return { kind: 'invalid' };
  }
  const [, passed] = await Promise.all([taken.attempt.succeeded(), onPass ? onPass() : (undefined as T)]);
  return { kind: 'ok', ...found, passed };
}
