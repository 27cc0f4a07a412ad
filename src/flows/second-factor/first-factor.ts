import type { Context } from 'koa';
import type { Account } from '../../accounts/account.ts';
import { FactorAlreadyEnrolled } from '../../accounts/operations.ts';
import { interactionUrl } from '../interaction.ts';
import type { MfaStep } from './mfa-step.ts';

/**
 * Runs the enrolment of a sign-in's first factor. When the account gained a
 * factor meanwhile (the check and the write are one atomic update), nothing is
 * added and the browser goes to the sign-in's current screen: verification.
 */
export async function firstFactorAdded(ctx: Context, step: MfaStep, add: () => Promise<Account | undefined>): Promise<Account | undefined> {
  try {
    const account = await add();
    if (account) return account;
  } catch (err) {
    if (!(err instanceof FactorAlreadyEnrolled)) throw err;
  }
  ctx.status = 303;
  ctx.redirect(interactionUrl(step.interaction.uid));
  return undefined;
}
