import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { handBack } from '../../flows/interaction.ts';
import { mfaStepIn, type MfaStep } from '../../flows/second-factor/mfa-interaction.ts';
import { passwordAndSecondFactor } from '../../oidc/amr.ts';
import { useRecoveryCode } from './recovery-codes.ts';
import { signedIn } from '../../flows/second-factor/signed-in.ts';

/** A recovery code instead of the second factor; afterwards the user is told how many remain. */
export function recoveryFlow(s: Services) {
  const page = (ctx: Context, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
    render(ctx, 'recovery-verify', { title: 'recovery.verify_title', uid: step.interaction.uid, errors }, status);

  const verifying = (ctx: Context) => mfaStepIn(ctx, s, 'verifying');

  return {
    async show(ctx: Context) {
      const step = await verifying(ctx);
      if (step) await page(ctx, step);
    },
    async verify(ctx: Context) {
      const step = await verifying(ctx);
      if (!step) return;
      const form = readForm(ctx, { code: 32 });
      if (!form.ok) return page(ctx, step, form.errors, 400);
      const result = await useRecoveryCode(s, step.account.id, form.values.code);
      if (typeof result === 'string' || 'key' in result) return page(ctx, step, { code: result }, typeof result === 'string' ? 400 : 429);
      const okUrl = await handBack(step.interaction, signedIn(ctx, s, step.account, passwordAndSecondFactor('recovery')));
      await render(ctx, 'recovery-used', { title: 'recovery.verify_title', remaining: result.remaining, okUrl });
    },
  };
}
