import type { ReplayGuard } from '../../../adapters/types.ts';
import type { Account } from '../../accounts/account.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { codeAttempt, type CodeAttemptDeps } from '../code-attempt.ts';
import type { FactorResult, OnPass, Via } from '../result.ts';
import { matchTotp, TOTP_MARKER_TTL } from './totp.ts';
import { keepOffer, takeOffer, type PendingDeps, type TotpOffer } from './pending-secret.ts';

interface TotpDeps extends CodeAttemptDeps {
  replay: ReplayGuard;
  secrets: SecretBox;
}

/**
 * The code matched within ±1 time step against one of `secrets`, and accepted
 * once per account: the replay guard claims its time step, so a code that
 * signed in (or activated an app) never counts a second time.
 */
async function matchOnce(d: TotpDeps, accountId: string, secrets: string[], code: string): Promise<{ secret: string } | undefined> {
  const normalized = code.replace(/\s+/g, '');
  for (const secret of secrets) {
    const timeStep = await matchTotp(secret, normalized);
    if (timeStep !== undefined && (await d.replay.claim(accountId, `totp:${timeStep}`, TOTP_MARKER_TTL))) return { secret };
  }
  return undefined;
}

/**
 * An authenticator app's code for the account, against every app it has: limited
 * (code-attempt.ts), single use, audited either way. `onPass` runs only for a
 * code accepted, alongside its point's return.
 */
export async function verifyTotp<T = undefined>(
  d: TotpDeps,
  account: Pick<Account, 'id' | 'totp'>,
  code: string,
  via: Via,
  onPass?: OnPass<[], T>,
): Promise<FactorResult<{ passed: T }>> {
  const secrets = account.totp.map((f) => d.secrets.open(f.secret));
  const result = await codeAttempt(d, { accountId: account.id, factor: 'otp', via }, () => matchOnce(d, account.id, secrets, code), onPass);
  if (result.kind === 'ok') d.audit('mfa.verified', { accountId: account.id, factor: 'otp', via });
  return result.kind === 'ok' ? { kind: 'ok', passed: result.passed } : result;
}

/**
 * The first code of the app whose secret is on offer here (pending-secret.ts),
 * through the same limit and replay guard as every code — the activation code
 * cannot sign in afterwards. The secret comes back only for a code that matched;
 * after a wrong one (or a lockout) it stays on offer, unchanged. `expired` when
 * nothing is on offer here for this account: no point is taken for that.
 */
export async function activateTotp(d: TotpDeps & PendingDeps, offer: TotpOffer, code: string, via: Via): Promise<FactorResult<{ secret: string }>> {
  const offered = await takeOffer(d, offer);
  if (!offered) return { kind: 'expired' };
  const result = await codeAttempt(d, { accountId: offer.accountId, factor: 'otp', via }, () => matchOnce(d, offer.accountId, [offered.secret], code));
  if (result.kind !== 'ok') {
    await keepOffer(d, offer, offered);
    return result;
  }
  d.audit('mfa.verified', { accountId: offer.accountId, factor: 'otp', via, activation: true });
  return { kind: 'ok', secret: offered.secret };
}
