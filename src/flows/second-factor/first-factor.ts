import type { Context } from 'koa';
import type { Account } from '../../accounts/account.ts';
import { addFactor, FactorAlreadyEnrolled, type NewFactor } from '../../accounts/operations/factors.ts';
import { newRecoveryCodes } from '../../mfa/recovery/recovery-codes.ts';
import type { Services } from '../../services.ts';
import { interactionUrl } from '../interaction.ts';
import type { MfaStep } from './mfa-step.ts';

type FirstFactorDeps = Pick<Services, 'store' | 'audit'>;

/**
 * Enrols a sign-in's first factor and, in the same write, the account's first
 * recovery codes (shown once on the next page). When the account gained a
 * factor meanwhile (the check and the write are one atomic update), nothing is
 * added and the browser goes to the sign-in's current screen: verification.
 */
export async function firstFactorAdded(
  ctx: Context,
  s: FirstFactorDeps,
  step: MfaStep,
  factor: NewFactor,
): Promise<{ account: Account; codes?: string[] } | undefined> {
  const recovery = step.account.recoveryCodes.length === 0 ? newRecoveryCodes(step.account.id) : undefined;
  try {
    const account = await addFactor(s, { via: 'sign-in' }, step.account.id, factor, true, recovery?.hashes);
    if (account) return { account, codes: recovery?.codes };
  } catch (err) {
    if (!(err instanceof FactorAlreadyEnrolled)) throw err;
  }
  ctx.status = 303;
  ctx.redirect(interactionUrl(step.interaction.uid));
  return undefined;
}
