import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { interactionOf, seeOther } from '../interaction.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { sendJson } from '../../web/json.ts';
import { postedPasskey } from '../../web/factor-failure.ts';
import { passkeyOnly } from '../../oidc/amr.ts';
import { signInTime } from '../../accounts/standing.ts';
import { authenticationOptions } from '../../mfa/passkey/webauthn.ts';
import { verifyPasskey } from '../../mfa/passkey/verify.ts';
import { completeSignIn } from '../complete-sign-in.ts';
import { loginPage } from './login.ts';

type PasskeyLoginDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'audit' | 'limits' | 'background'>;

/**
 * Passkey-only sign-in from the login page: a discoverable passkey with user
 * verification names its account and is both factors in one gesture. It also
 * lifts the password locks on the owner's side.
 */
export function passkeyLogin(s: PasskeyLoginDeps) {
  return {
    async options(ctx: Ctx) {
      sendJson(ctx, await authenticationOptions(s, interactionOf(ctx).uid));
    },
    async submit(ctx: Ctx) {
      const interaction = interactionOf(ctx);
      const use = await postedPasskey(
        ctx,
        (response) => verifyPasskey(s, { boundTo: interaction.uid, response, via: 'sign-in', ip: ctx.ip }),
        (errors, status) => loginPage(ctx, interaction, '', errors, status),
      );
      if (!use) return;
      await s.limits.liftPasswordLocks({ account: normalizeEmail(use.account.email), ip: ctx.ip });
      seeOther(ctx, await completeSignIn(ctx, s, interaction, use.account, passkeyOnly(use.passkey.kind), signInTime(use.account)));
    },
  };
}
