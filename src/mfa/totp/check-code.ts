import type { Limits } from '../../security/rate-limits.ts';
import type { ReplayGuard } from '../../../adapters/types.ts';
import type { Audit } from '../../audit.ts';
import type { FactorResult, OnPass } from '../result.ts';
import { matchTotp, TOTP_MARKER_TTL } from './totp.ts';

export interface CodeCheckDeps { limits: Limits; replay: ReplayGuard; audit: Audit }

/**
 * One code attempt for an account: a point taken before the code is looked at,
 * matched within ±1 time step, and accepted once per account — the activation
 * code too. `onPass` runs only for a code accepted, alongside its point's return.
 */
export async function checkCode<T = undefined>(
  d: CodeCheckDeps, accountId: string, secrets: string[], code: string, onPass: OnPass<[], T> = async () => undefined as T,
): Promise<FactorResult<{ passed: T }>> {
  const taken = await d.limits.takeCodeAttempt(accountId);
  if (taken.kind === 'locked') {
    d.audit('login.locked', { accountId, step: 'code' });
    return taken;
  }
  const normalized = code.replace(/\s+/g, '');
  for (const secret of secrets) {
    const timeStep = await matchTotp(secret, normalized);
    if (timeStep !== undefined && (await d.replay.claim(accountId, `totp:${timeStep}`, TOTP_MARKER_TTL))) {
      const [, passed] = await Promise.all([taken.attempt.succeeded(), onPass()]);
      return { kind: 'ok', passed };
    }
  }
  await taken.attempt.failed();
  d.audit('mfa.failure', { accountId, factor: 'totp' });
  return { kind: 'invalid' };
}
