import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { interactionOf, seeOther } from '../interaction.ts';
import { readForm } from '../../web/form.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { sendJson } from '../../web/json.ts';
import { passkeyOnly } from '../../oidc/amr.ts';
import { recordPasskeyUse } from '../../accounts/operations/factors.ts';
import { signInTime } from '../../accounts/standing.ts';
import { authenticationOptions, verifyAuthentication } from '../../mfa/passkey/webauthn.ts';
import { signedIn } from '../second-factor/signed-in.ts';
import { PASSKEY_RESPONSE } from '../../mfa/passkey/response-schema.ts';
import { loginPage } from './login.ts';

type PasskeyLoginDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'audit' | 'limits' | 'background'>;

/**
 * Passkey-only sign-in from the login page: a discoverable passkey with user
 * verification names its account and is both factors in one gesture. It also
 * lifts the password locks on the owner's side.
 */
export function passkeyLogin(s: PasskeyLoginDeps) {
  return {
    async options(ctx: Context) {
      sendJson(ctx, await authenticationOptions(s, interactionOf(ctx).uid));
    },
    async submit(ctx: Context) {
      const interaction = interactionOf(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const use = form.ok ? await verifyAuthentication(s, interaction.uid, form.values.response) : undefined;
      if (use?.kind !== 'ok') {
        s.audit('login.failure', { method: 'passkey', ip: ctx.ip });
        return loginPage(ctx, interaction, '', { form: 'passkey.failed' }, 400);
      }
      await recordPasskeyUse(s, use.account.id, use.passkey.id, use.counter);
      await s.limits.liftPasswordLocks({ account: normalizeEmail(use.account.email), ip: ctx.ip });
      seeOther(ctx, await signedIn(ctx, s, interaction, use.account, passkeyOnly(use.passkey.kind), signInTime(use.account)));
    },
  };
}
