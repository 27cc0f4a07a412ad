import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { factorFailure } from '../../web/factor-failure.ts';
import { keepWithSignIn, seeOther } from '../interaction.ts';
import { withSecondFactor } from '../../oidc/amr.ts';
import { checkCode } from '../../mfa/totp/check-code.ts';
import { newTotpSecret } from '../../mfa/totp/totp.ts';
import { enrolmentView } from '../../mfa/totp/enrolment-view.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';
import { showEnrolled } from './enrolled.ts';
import { signedIn } from './signed-in.ts';
import { firstFactorAdded } from './first-factor.ts';

const CODE = { code: 16 };

export const totpVerifyPage = (ctx: Context, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
  render(ctx, 'totp-verify', { title: 'verify.title', uid: step.interaction.uid, hasPasskey: step.account.passkeys.length > 0, errors }, status);

type TotpStepDeps = Pick<Services, 'config' | 'secrets' | 'limits' | 'replay' | 'audit' | 'store' | 'background' | 'accounts'>;

/** Authenticator-app codes at the mfa step: enrolment at the first sign-in, verification at every later one. */
export function totpStep(s: TotpStepDeps) {
  const enrolPage = async (ctx: Context, step: MfaStep, secret: string, errors: FieldErrors, status = 200) =>
    render(ctx, 'totp-enrol', { title: 'totp.title', step: 3, uid: step.interaction.uid, ...(await enrolmentView(s.config.issuer, step.account.email, secret)), errors }, status);

  /** The secret being enrolled lives with the sign-in on the server, sealed, until it is activated. */
  const pendingSecret = async (step: MfaStep): Promise<string> => {
    const sealed = step.interaction.result?.pendingTotp as string | undefined;
    if (sealed) return s.secrets.open(sealed);
    const secret = newTotpSecret();
    await keepWithSignIn(step.interaction, { pendingTotp: s.secrets.seal(secret) });
    return secret;
  };

  return {
    async showEnrol(ctx: Context) {
      const step = stepOf(ctx);
      await enrolPage(ctx, step, await pendingSecret(step), {});
    },

    async enrol(ctx: Context) {
      const step = stepOf(ctx);
      const secret = await pendingSecret(step);
      const form = readForm(ctx, CODE);
      if (!form.ok) return enrolPage(ctx, step, secret, form.errors, 400);
      const check = await checkCode(s, step.account.id, [secret], form.values.code);
      if (check.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'code', check);
        return enrolPage(ctx, step, secret, { code: message }, status);
      }
      const added = await firstFactorAdded(ctx, s, step, { totp: { secret: s.secrets.seal(secret) } });
      if (added) await showEnrolled(ctx, s, { ...step, account: added.account }, 'otp', added.codes);
    },

    async showVerify(ctx: Context) {
      await totpVerifyPage(ctx, stepOf(ctx));
    },

    async verify(ctx: Context) {
      const step = stepOf(ctx);
      const form = readForm(ctx, CODE);
      if (!form.ok) return totpVerifyPage(ctx, step, form.errors, 400);
      const secrets = step.account.totp.map((f) => s.secrets.open(f.secret));
      const check = await checkCode(s, step.account.id, secrets, form.values.code,
        () => signedIn(ctx, s, step.interaction, step.account, withSecondFactor(step.firstFactor, 'otp'), step.loginTs));
      if (check.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'code', check);
        return totpVerifyPage(ctx, step, { code: message }, status);
      }
      seeOther(ctx, check.passed);
    },
  };
}
