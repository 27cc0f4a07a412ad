import type { Context } from 'koa';
import QRCode from 'qrcode';
import { randomUUID } from 'node:crypto';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { finish, remember } from '../../flows/interaction.ts';
import { mfaStepIn, type MfaStep } from '../../flows/second-factor/mfa-interaction.ts';
import { nowSeconds, updateAccount } from '../../accounts/update.ts';
import { passwordAndSecondFactor } from '../../oidc/amr.ts';
import { acceptCode } from './accept-code.ts';
import { showEnrolled } from '../../flows/second-factor/enrolled.ts';
import { signedIn } from '../../flows/second-factor/signed-in.ts';
import { groupedKey, newTotpSecret, otpauthUri } from './totp.ts';

const CODE = { code: 16 };

/** Authenticator-app codes: enrolment at the first sign-in, verification at every later one. */
export function totpFlow(s: Services) {
  const enrolPage = async (ctx: Context, step: MfaStep, secret: string, errors: FieldErrors, status = 200) => {
    const uri = otpauthUri(s.config.issuer.startsWith('https://') ? 'CBS Microdata' : 'CBS Microdata (dev)', step.account.email, secret);
    const qr = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    await render(ctx, 'totp-enrol', { title: 'totp.title', step: 3, uid: step.interaction.uid, qr, key: groupedKey(secret), errors }, status);
  };

  /** The secret being enrolled lives with the sign-in on the server, sealed, until it is activated. */
  const pendingSecret = async (step: MfaStep): Promise<string> => {
    const sealed = step.interaction.result?.pendingTotp as string | undefined;
    if (sealed) return s.secrets.open(sealed);
    const secret = newTotpSecret();
    await remember(step.interaction, { pendingTotp: s.secrets.seal(secret) });
    return secret;
  };

  const completeSignIn = (ctx: Context, step: MfaStep) =>
    finish(ctx, step.interaction, signedIn(ctx, s, step.account, passwordAndSecondFactor('otp')));

  const showVerify = (ctx: Context, step: MfaStep, errors: FieldErrors = {}, status = 200) =>
    render(ctx, 'totp-verify', { title: 'verify.title', uid: step.interaction.uid, hasPasskey: step.account.passkeys.length > 0, errors }, status);

  return {
    async showEnrol(ctx: Context) {
      const step = await mfaStepIn(ctx, s, 'enrolling');
      if (!step) return;
      await enrolPage(ctx, step, await pendingSecret(step), {});
    },

    async enrol(ctx: Context) {
      const step = await mfaStepIn(ctx, s, 'enrolling');
      if (!step) return;
      const secret = await pendingSecret(step);
      const form = readForm(ctx, CODE);
      if (!form.ok) return enrolPage(ctx, step, secret, form.errors, 400);
      const check = await acceptCode(s, step.account.id, [secret], form.values.code);
      if (check !== 'ok') return enrolPage(ctx, step, secret, { code: check }, check === 'verify.invalid' ? 400 : 429);

      const sealed = s.secrets.seal(secret);
      await updateAccount(s.accounts, step.account.id, (a: Account) => {
        a.totp.push({ id: randomUUID(), secret: sealed, createdAt: nowSeconds() });
      });
      await showEnrolled(ctx, s, step, 'otp');
    },

    showVerify,
    async showVerifyPage(ctx: Context) {
      const step = await mfaStepIn(ctx, s, 'verifying', (a) => a.totp.length > 0);
      if (step) await showVerify(ctx, step);
    },

    async verify(ctx: Context) {
      const step = await mfaStepIn(ctx, s, 'verifying');
      if (!step) return;
      const form = readForm(ctx, CODE);
      if (!form.ok) return showVerify(ctx, step, form.errors, 400);
      const secrets = step.account.totp.map((f) => s.secrets.open(f.secret));
      const check = await acceptCode(s, step.account.id, secrets, form.values.code);
      if (check !== 'ok') return showVerify(ctx, step, { code: check }, check === 'verify.invalid' ? 400 : 429);
      await completeSignIn(ctx, step);
    },
  };
}
