import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { currentInteraction, finish, interactionUrl, type Interaction } from '../../flows/interaction.ts';
import { mfaStepIn, type MfaStep } from '../../flows/second-factor/mfa-interaction.ts';
import { showEnrolled } from '../../flows/second-factor/enrolled.ts';
import { signedIn } from '../../flows/second-factor/signed-in.ts';
import { updateAccount } from '../../accounts/update.ts';
import { passkeyOnly, passwordAndSecondFactor } from '../../oidc/amr.ts';
import { authenticationOptions, registrationOptions, verifyAuthentication, verifyRegistration, type PasskeyUse } from './webauthn.ts';

const RESPONSE = { response: 64 * 1024 };

/**
 * Passkeys (WebAuthn): as the second factor after the password, enrolled at the
 * first sign-in; and alone, on the login page, for accounts that have one.
 * Pages hold a form that public/passkey.js fills with the authenticator's answer.
 */
export function passkeyFlow(s: Services, loginPage: (ctx: Context, interaction: Interaction, errors: FieldErrors, status: number) => Promise<void>) {
  const json = (ctx: Context, body: unknown) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
  const recordUse = (use: PasskeyUse) =>
    updateAccount(s.accounts, use.account.id, (a) => {
      const passkey = a.passkeys.find((p) => p.id === use.passkey.id);
      if (passkey) passkey.counter = use.counter;
    });
  const verifyPage = (ctx: Context, step: MfaStep, failed = false) =>
    render(ctx, 'passkey-verify', {
      title: 'passkey.verify_title', uid: step.interaction.uid, hasTotp: step.account.totp.length > 0,
      errors: failed ? { form: 'passkey.failed' } : {},
    }, failed ? 400 : 200);
  const enrolPage = (ctx: Context, step: MfaStep, failed = false) =>
    render(ctx, 'passkey-enrol', { title: 'passkey.title', step: 3, uid: step.interaction.uid, errors: failed ? { form: 'passkey.failed' } : {} }, failed ? 400 : 200);

  const enrolling = (ctx: Context) => mfaStepIn(ctx, s, 'enrolling');
  const verifying = (ctx: Context) => mfaStepIn(ctx, s, 'verifying', (a) => a.passkeys.length > 0);

  return {
    async showEnrol(ctx: Context) {
      const step = await enrolling(ctx);
      if (step) await enrolPage(ctx, step);
    },
    async enrolOptions(ctx: Context) {
      const step = await enrolling(ctx);
      if (step) json(ctx, await registrationOptions(s, step.interaction.uid, step.account));
    },
    async enrol(ctx: Context) {
      const step = await enrolling(ctx);
      if (!step) return;
      const form = readForm(ctx, RESPONSE);
      const passkey = form.ok ? await verifyRegistration(s, step.interaction.uid, form.values.response, ctx.state.t('passkey.default_name')) : undefined;
      if (!passkey) return enrolPage(ctx, step, true);
      await updateAccount(s.accounts, step.account.id, (a) => { a.passkeys.push(passkey); });
      await showEnrolled(ctx, s, step, passkey.kind);
    },

    showVerify: verifyPage,
    async showVerifyPage(ctx: Context) {
      const step = await verifying(ctx);
      if (step) await verifyPage(ctx, step);
    },
    async verifyOptions(ctx: Context) {
      const step = await verifying(ctx);
      if (step) json(ctx, await authenticationOptions(s, step.interaction.uid, step.account));
    },
    async verify(ctx: Context) {
      const step = await verifying(ctx);
      if (!step) return;
      const form = readForm(ctx, RESPONSE);
      const use = form.ok ? await verifyAuthentication(s, step.interaction.uid, form.values.response, step.account) : undefined;
      if (!use) {
        s.audit('mfa.failure', { accountId: step.account.id, factor: 'passkey' });
        return verifyPage(ctx, step, true);
      }
      await recordUse(use);
      await finish(ctx, step.interaction, signedIn(ctx, s, use.account, passwordAndSecondFactor(use.passkey.kind)));
    },

    /** Passkey-only sign-in, from the login page: a discoverable passkey names its account. */
    async loginOptions(ctx: Context) {
      const interaction = await currentInteraction(ctx, s.provider);
      if (interaction.prompt.name !== 'login') return json(ctx, { error: 'not at the login step' });
      json(ctx, await authenticationOptions(s, interaction.uid));
    },
    async login(ctx: Context) {
      const interaction = await currentInteraction(ctx, s.provider);
      if (interaction.prompt.name !== 'login') return ctx.redirect(interactionUrl(interaction.uid));
      const form = readForm(ctx, RESPONSE);
      const use = form.ok ? await verifyAuthentication(s, interaction.uid, form.values.response) : undefined;
      if (!use) {
        s.audit('login.failure', { method: 'passkey', ip: ctx.ip });
        return loginPage(ctx, interaction, { form: 'passkey.failed' }, 400);
      }
      await recordUse(use);
      await finish(ctx, interaction, signedIn(ctx, s, use.account, passkeyOnly(use.passkey.kind)));
    },
  };
}
