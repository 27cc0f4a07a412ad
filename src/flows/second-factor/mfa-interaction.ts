import type { Context } from 'koa';
import type { Account } from '../../accounts/account.ts';
import type { Services } from '../../services.ts';
import { SignInExpired } from '../../errors.ts';
import { currentInteraction, interactionUrl, type Interaction } from '../interaction.ts';

export interface MfaStep { interaction: Interaction; account: Account; enrolling: boolean }

/**
 * The sign-in at the provider's mfa prompt, with the account whose password
 * was checked in this session. Undefined (after redirecting to the current
 * step) when the sign-in is at another prompt.
 */
export async function mfaStep(ctx: Context, s: Services, loaded?: Interaction): Promise<MfaStep | undefined> {
  const interaction = loaded ?? (await currentInteraction(ctx, s.provider));
  if (interaction.prompt.name !== 'mfa') {
    ctx.redirect(interactionUrl(interaction.uid));
    return undefined;
  }
  const accountId = interaction.session?.accountId;
  const account = accountId ? await s.accounts.findById(accountId) : undefined;
  if (!account || account.disabled) throw new SignInExpired('account unusable at the mfa step');
  return { interaction, account, enrolling: interaction.prompt.reasons.includes('mfa_enrolment_required') };
}

/**
 * The mfa step when it is in this phase (enrolling a first factor, or verifying
 * one the account has, as `has` says); otherwise the browser is sent to the
 * sign-in's current screen and the answer is undefined.
 */
export async function mfaStepIn(
  ctx: Context,
  s: Services,
  phase: 'enrolling' | 'verifying',
  has: (account: Account) => boolean = () => true,
): Promise<MfaStep | undefined> {
  const step = await mfaStep(ctx, s);
  if (!step) return undefined;
  if (step.enrolling === (phase === 'enrolling') && has(step.account)) return step;
  ctx.redirect(interactionUrl(step.interaction.uid));
  return undefined;
}
