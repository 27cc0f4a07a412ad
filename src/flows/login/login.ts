import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { interactionOf, keepWithSignIn, type Interaction } from '../interaction.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { passedOrShown } from '../../web/factor-failure.ts';
import { PASSWORD_ONLY } from '../../oidc/amr.ts';
import { signInTime } from '../../accounts/standing.ts';
import { knownDevice } from '../../security/known-device.ts';
import { whileClientWaits } from '../../web/client-gone.ts';
import { checkPasswordAttempt } from '../../mfa/password/verify.ts';
import type { Account } from '../../accounts/account.ts';

const LIMITS = { username: 254, password: 1024 };

export const loginPage = (ctx: Ctx, interaction: Interaction, username: string, errors: FieldErrors, status = 200) =>
  render(
    ctx,
    'login/login',
    {
      title: 'login.title',
      uid: interaction.uid,
      username,
      errors,
      requestPasswordUrl: `/password/request?interaction=${encodeURIComponent(interaction.uid)}`,
    },
    status,
  );

type LoginDeps = Pick<Services, 'accounts' | 'limits' | 'audit' | 'store'>;

/** The second factor's first screen, for a password step that passed in this request (routes.ts hands it over). */
type SecondFactorScreen = (ctx: Ctx, interaction: Interaction, account: Account, loginTs: number) => Promise<void>;

/** Step one of every sign-in: username and password. Its answer is the second factor's first screen. */
export function loginStep(s: LoginDeps, secondFactor: SecondFactorScreen) {
  return {
    show: (ctx: Ctx, interaction: Interaction) => loginPage(ctx, interaction, String(interaction.params.login_hint ?? ''), {}),

    async submit(ctx: Ctx) {
      const interaction = interactionOf(ctx);
      const form = readForm(ctx, LIMITS, ['password']);
      if (!form.ok) return loginPage(ctx, interaction, form.values.username, form.errors, 400);

      const outcome = await checkPasswordAttempt(s, {
        email: normalizeEmail(form.values.username),
        password: form.values.password,
        ip: ctx.ip,
        via: 'sign-in',
        signal: whileClientWaits(ctx),
        knownDevice: (account) => knownDevice(ctx, s.store.tokens, account?.id),
        // The password step's time travels with the sign-in: every later step checks it against the account.
        // The second factor follows in this same interaction; the provider's policy judges both at resume.
        onPass: async (account) => {
          const ts = signInTime(account);
          await keepWithSignIn(interaction, { login: { accountId: account.id, ...PASSWORD_ONLY, ts, remember: false } });
          return ts;
        },
      });
      const passed = await passedOrShown(ctx, 'password', outcome, (errors, status) => loginPage(ctx, interaction, form.values.username, errors, status));
      if (passed) await secondFactor(ctx, interaction, passed.account, passed.passed);
    },
  };
}
