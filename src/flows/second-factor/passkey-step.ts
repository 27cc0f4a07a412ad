import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import type { Account, PasskeyFactor } from '../../accounts/account.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { postedPasskey } from '../../web/factor-failure.ts';
import { sendJson } from '../../web/json.ts';
import { seeOther } from '../interaction.ts';
import { withSecondFactor } from '../../oidc/amr.ts';
import { PASSKEY_RESPONSE } from '../../mfa/passkey/response-schema.ts';
import { authenticationOptions, registrationOptions, verifyRegistration } from '../../mfa/passkey/webauthn.ts';
import { verifyPasskey } from '../../mfa/passkey/verify.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';
import { showEnrolled } from './enrolled.ts';
import { completeSignIn } from '../complete-sign-in.ts';
import { firstFactorAdded } from './first-factor.ts';

export const passkeyVerifyPage = (ctx: Ctx, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
  render(
    ctx,
    'second-factor/passkey-verify',
    { title: 'passkey.verify_title', uid: step.interaction.uid, hasTotp: step.account.totp.length > 0, errors },
    status,
  );

type PasskeyStepDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'audit' | 'background'>;

/**
 * Passkeys at the mfa step (WebAuthn): enrolled at the first sign-in, verified
 * at later ones. Pages hold a form that public/passkey.js fills with the
 * authenticator's answer; challenges are bound to the sign-in.
 */
export function passkeyStep(s: PasskeyStepDeps) {
  const enrolPage = (ctx: Ctx, step: MfaStep, failed = false) =>
    render(
      ctx,
      'second-factor/passkey-enrol',
      { title: 'passkey.title', step: 3, uid: step.interaction.uid, errors: failed ? { form: 'passkey.failed' } : {} },
      failed ? 400 : 200,
    );

  /** The ceremony's options for public/passkey.js, bound to this sign-in. */
  const options = (make: (d: PasskeyStepDeps, boundTo: string, account: Account) => Promise<unknown>) => async (ctx: Ctx) => {
    const step = stepOf(ctx);
    sendJson(ctx, await make(s, step.interaction.uid, step.account));
  };

  /** The posted registration, checked against this sign-in's challenge; on failure `page` shows why. */
  const registered =
    (page: (ctx: Ctx, step: MfaStep, failed: boolean) => Promise<void>, use: (ctx: Ctx, step: MfaStep, passkey: PasskeyFactor) => Promise<void>) =>
    async (ctx: Ctx) => {
      const step = stepOf(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const passkey = form.ok ? await verifyRegistration(s, step.interaction.uid, form.values.response, ctx.state.t('passkey.default_name')) : undefined;
      if (!passkey) return page(ctx, step, true);
      await use(ctx, step, passkey);
    };

  return {
    showEnrol: (ctx: Ctx) => enrolPage(ctx, stepOf(ctx)),
    enrolOptions: options(registrationOptions),
    enrol: registered(enrolPage, async (ctx, step, passkey) => {
      const added = await firstFactorAdded(ctx, s, step, { passkey });
      if (added) await showEnrolled(ctx, s, { ...step, account: added.account }, passkey.kind, added.codes);
    }),

    showVerify: (ctx: Ctx) => passkeyVerifyPage(ctx, stepOf(ctx)),
    verifyOptions: options(authenticationOptions),
    async verify(ctx: Ctx) {
      const step = stepOf(ctx);
      const use = await postedPasskey(
        ctx,
        (response) => verifyPasskey(s, { boundTo: step.interaction.uid, response, account: step.account, via: 'sign-in', ip: ctx.ip }),
        (errors, status) => passkeyVerifyPage(ctx, step, errors, status),
      );
      if (!use) return;
      // A passkey added after this sign-in's password step counts from the next sign-in (amr.ts).
      const established = use.passkey.createdAt < step.loginTs;
      seeOther(
        ctx,
        await completeSignIn(ctx, s, step.interaction, use.account, withSecondFactor(step.firstFactor, use.passkey.kind, established), step.loginTs),
      );
    },
  };
}
