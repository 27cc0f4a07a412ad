import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { render } from '../../web/render.ts';
import type { FieldErrors } from '../../web/form.ts';
import { postedCode } from '../../web/factor-failure.ts';
import { withSecondFactor } from '../../oidc/amr.ts';
import { verifyRecoveryCode } from '../../mfa/recovery/verify.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';
import { completeSignIn } from '../complete-sign-in.ts';

type RecoveryStepDeps = Pick<Services, 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config' | 'background'>;

/** A recovery code instead of the second factor; afterwards the user is told how many remain. */
export function recoveryStep(s: RecoveryStepDeps) {
  const page = (ctx: Ctx, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
    render(ctx, 'second-factor/recovery-verify', { title: 'recovery.verify_title', uid: step.interaction.uid, errors }, status);

  return {
    show: (ctx: Ctx) => page(ctx, stepOf(ctx)),
    async verify(ctx: Ctx) {
      const step = stepOf(ctx);
      const used = await postedCode(
        ctx,
        'recovery',
        { name: 'code', max: 32 },
        (code) => verifyRecoveryCode(s, step.account.id, code, 'sign-in'),
        (errors, status) => page(ctx, step, errors, status),
      );
      if (!used) return;
      const okUrl = await completeSignIn(ctx, s, step.interaction, step.account, withSecondFactor(step.firstFactor, 'recovery'), step.loginTs);
      await render(ctx, 'second-factor/recovery-used', { title: 'recovery.verify_title', remaining: used.remaining, okUrl });
    },
  };
}
