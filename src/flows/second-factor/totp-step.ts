import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { render } from '../../web/render.ts';
import type { FieldErrors } from '../../web/form.ts';
import { postedCode } from '../../web/factor-failure.ts';
import { seeOther } from '../interaction.ts';
import { withSecondFactor } from '../../oidc/amr.ts';
import { activateTotp, verifyTotp } from '../../mfa/totp/verify.ts';
import { offeredSecret, type TotpOffer } from '../../mfa/totp/pending-secret.ts';
import { enrolmentView } from '../../mfa/totp/enrolment-view.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';
import { showEnrolled } from './enrolled.ts';
import { completeSignIn } from '../complete-sign-in.ts';
import { firstFactorAdded } from './first-factor.ts';

const CODE = { name: 'code', max: 16 };

export const totpVerifyPage = (ctx: Ctx, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
  render(ctx, 'second-factor/totp-verify', { title: 'verify.title', uid: step.interaction.uid, hasPasskey: step.account.passkeys.length > 0, errors }, status);

type TotpStepDeps = Pick<Services, 'config' | 'secrets' | 'limits' | 'replay' | 'audit' | 'store' | 'background' | 'accounts'>;

/** Authenticator-app codes at the mfa step: enrolment at the first sign-in, verification at every later one. */
export function totpStep(s: TotpStepDeps) {
  /** The secret being enrolled is on offer to this sign-in's account (pending-secret.ts) until its first code. */
  const offer = (step: MfaStep): TotpOffer => ({ boundTo: `sign-in:${step.interaction.uid}`, accountId: step.account.id });

  const enrolPage = async (ctx: Ctx, step: MfaStep, errors: FieldErrors = {}, status = 200) => {
    const view = await enrolmentView(s.config.issuer, step.account.email, await offeredSecret(s, offer(step)));
    await render(ctx, 'second-factor/totp-enrol', { title: 'totp.title', step: 3, uid: step.interaction.uid, ...view, errors }, status);
  };

  return {
    showEnrol: (ctx: Ctx) => enrolPage(ctx, stepOf(ctx)),

    async enrol(ctx: Ctx) {
      const step = stepOf(ctx);
      const activated = await postedCode(
        ctx,
        'code',
        CODE,
        (code) => activateTotp(s, offer(step), code, 'sign-in'),
        (errors, status) => enrolPage(ctx, step, errors, status),
      );
      if (!activated) return;
      const added = await firstFactorAdded(ctx, s, step, { totp: { secret: s.secrets.seal(activated.secret) } });
      if (added) await showEnrolled(ctx, s, { ...step, account: added.account }, 'otp', added.codes);
    },

    showVerify: (ctx: Ctx) => totpVerifyPage(ctx, stepOf(ctx)),

    async verify(ctx: Ctx) {
      const step = stepOf(ctx);
      const passed = await postedCode(
        ctx,
        'code',
        CODE,
        (code) =>
          verifyTotp(s, step.account, code, 'sign-in', () =>
            completeSignIn(ctx, s, step.interaction, step.account, withSecondFactor(step.firstFactor, 'otp'), step.loginTs),
          ),
        (errors, status) => totpVerifyPage(ctx, step, errors, status),
      );
      if (passed) seeOther(ctx, passed.passed);
    },
  };
}
