import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { interactionUrl, type Interaction } from '../interaction.ts';
import type { MfaStep } from './mfa-interaction.ts';
import { mfaStep, mfaStepIn } from './mfa-interaction.ts';

/**
 * The provider's mfa prompt. Without a second factor: the guide's notice
 * ("two-factor authentication is required", OK), then the choice of method.
 * With one: the verification step of the method the account has.
 */
export function secondFactorFlow(s: Services, verify: { totp: (ctx: Context, step: MfaStep) => Promise<void>; passkey: (ctx: Context, step: MfaStep) => Promise<void> }) {
  return {
    async show(ctx: Context, interaction: Interaction) {
      const step = await mfaStep(ctx, s, interaction);
      if (!step) return;
      // The passkey first when the account has one; the other ways are one link away.
      if (!step.enrolling) return step.account.passkeys.length ? verify.passkey(ctx, step) : verify.totp(ctx, step);
      await render(ctx, 'message', { title: 'mfa.choose.title', step: 3, message: 'mfa.required', okUrl: interactionUrl(step.interaction.uid, '/enrol') });
    },

    async choose(ctx: Context) {
      const step = await mfaStepIn(ctx, s, 'enrolling');
      if (!step) return;
      await render(ctx, 'choose-factor', { title: 'mfa.choose.title', step: 3, uid: step.interaction.uid });
    },
  };
}
