import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { factorFailure } from '../../web/factor-failure.ts';
import { withSecondFactor } from '../../oidc/amr.ts';
import { useRecoveryCode } from '../../mfa/recovery/recovery-codes.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';
import { signedIn } from './signed-in.ts';

type RecoveryStepDeps = Pick<Services, 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config' | 'background'>;

/** A recovery code instead of the second factor; afterwards the user is told how many remain. */
export function recoveryStep(s: RecoveryStepDeps) {
  const page = (ctx: Context, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
    render(ctx, 'recovery-verify', { title: 'recovery.verify_title', uid: step.interaction.uid, errors }, status);

  return {
    show: (ctx: Context) => page(ctx, stepOf(ctx)),
    async verify(ctx: Context) {
      const step = stepOf(ctx);
      const form = readForm(ctx, { code: 32 });
      if (!form.ok) return page(ctx, step, form.errors, 400);
      const result = await useRecoveryCode(s, step.account.id, form.values.code);
      if (result.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'recovery', result);
        return page(ctx, step, { code: message }, status);
      }
      const okUrl = await signedIn(ctx, s, step.interaction, step.account, withSecondFactor(step.firstFactor, 'recovery'), step.loginTs);
      await render(ctx, 'recovery-used', { title: 'recovery.verify_title', remaining: result.remaining, okUrl });
    },
  };
}
