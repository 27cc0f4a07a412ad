import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import type { Account } from '../../accounts/account.ts';
import { interactionUrl, type Interaction, type SignIn } from '../interaction.ts';
import { loadMfaStep, stepAfterPassword, stepOf, type MfaStep } from './mfa-step.ts';
import { passkeyVerifyPage } from './passkey-step.ts';
import { addPasskeyPage } from './add-passkey.ts';
import { totpVerifyPage } from './totp-step.ts';

type ChooseDeps = Pick<Services, 'provider' | 'accounts' | 'audit' | 'store'>;

/**
 * The second-factor step's first screen. Without a second factor: the guide's
 * notice ("two-factor authentication is required", OK), then the choice of
 * method. With one: the verification step of the method the account has —
 * decided by the account as it is now, not by the prompt's reasons when it began.
 */
async function secondFactorScreen(ctx: Context, s: Pick<Services, 'store'>, step: MfaStep): Promise<void> {
  if (step.phase === 'adding-passkey') return addPasskeyPage(ctx, s, step);
  // The passkey first when the account has one; the other ways are one link away.
  if (step.phase === 'verifying') return step.account.passkeys.length ? passkeyVerifyPage(ctx, step) : totpVerifyPage(ctx, step);
  await render(ctx, 'message', { title: 'mfa.choose.title', step: 3, message: 'mfa.required', okUrl: interactionUrl(step.interaction.uid, '/enrol') });
}

export function chooseStep(s: ChooseDeps) {
  return {
    async show(ctx: Context, signIn: SignIn) {
      const step = await loadMfaStep(ctx, s, signIn);
      if (step) await secondFactorScreen(ctx, s, step);
    },

    /** Right after a password step that passed in this request: no detour through the provider (mfa-step.ts). */
    afterPassword: (ctx: Context, interaction: Interaction, account: Account, loginTs: number) =>
      secondFactorScreen(ctx, s, stepAfterPassword(interaction, account, loginTs)),

    async choose(ctx: Context) {
      await render(ctx, 'second-factor/choose-factor', { title: 'mfa.choose.title', step: 3, uid: stepOf(ctx).interaction.uid });
    },
  };
}
