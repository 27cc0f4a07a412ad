import type { Context, Middleware } from 'koa';
import type { Services } from '../../services.ts';
import { SignInExpired } from '../../errors.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { sendJson } from '../../web/json.ts';
import { confirmIdentity } from '../../web/confirm-identity.ts';
import { isReauthenticated, REAUTH_SECONDS, type AccountSession } from '../../mfa/reauth.ts';
import { PASSKEY_RESPONSE } from '../../mfa/passkey/response-schema.ts';
import { registrationOptions, verifyRegistration } from '../../mfa/passkey/webauthn.ts';
import { addFactor } from '../../accounts/operations/factors.ts';
import { accountChanged } from '../../mail/account-changed.ts';
import { interactionUrl } from '../interaction.ts';
import { stepOf, type MfaStep } from './mfa-step.ts';

/** Who is adding: the account of the provider's session, whose second factor is done (the mfa prompt). */
function signedInOf(step: MfaStep): AccountSession {
  if (!step.session) throw new SignInExpired('no provider session at the add-passkey step');
  return { session: step.session, account: step.account };
}

/** The step-up page: "confirm it's you" until it is done in this session, then the passkey form. */
export async function addPasskeyPage(ctx: Context, s: Pick<Services, 'store'>, step: MfaStep, errors: FieldErrors = {}, status = 200): Promise<void> {
  const confirmed = await isReauthenticated(s, signedInOf(step).session);
  await render(
    ctx,
    'second-factor/passkey-add',
    {
      title: 'stepup.title',
      uid: step.interaction.uid,
      confirmed,
      hasCode: step.account.totp.length > 0,
      reauthMinutes: REAUTH_SECONDS / 60,
      errors,
    },
    status,
  );
}

type AddPasskeyDeps = Pick<Services, 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config' | 'mailer' | 'background'>;

/**
 * An application that accepts only a passkey, for an account that has none:
 * after the second factor, the user adds one. Adding a factor is a change to
 * the account, so it asks "confirm it's you" first, as My account does: the
 * second factor again (a code already used does not count twice). The passkey
 * added counts from the next sign-in (amr.ts, policy.ts): this sign-in used
 * only phishable factors, so the user signs in again, with the passkey.
 */
export function addPasskeyStep(s: AddPasskeyDeps) {
  return {
    show: (ctx: Context) => addPasskeyPage(ctx, s, stepOf(ctx)),

    confirm: confirmIdentity(s, {
      who: (ctx) => signedInOf(stepOf(ctx)),
      page: (ctx, _a, errors, status) => addPasskeyPage(ctx, s, stepOf(ctx), errors, status),
      landing: (ctx) => interactionUrl(stepOf(ctx).interaction.uid, '/add-passkey'),
      via: 'sign-in',
    }),

    /** Route guard: confirmed in this session within five minutes; otherwise 403 and nothing is added. */
    confirmed(options: { json?: boolean } = {}): Middleware {
      return async (ctx, next) => {
        const step = stepOf(ctx);
        if (await isReauthenticated(s, signedInOf(step).session)) return next();
        s.audit('account.change_refused', { accountId: step.account.id, path: ctx.path, reason: 'not reauthenticated' });
        if (options.json) return sendJson(ctx, { error: 'confirm it is you first' }, 403);
        await addPasskeyPage(ctx, s, step, { form: 'account.reauth.required' }, 403);
      };
    },

    async options(ctx: Context) {
      const step = stepOf(ctx);
      sendJson(ctx, await registrationOptions(s, step.interaction.uid, step.account));
    },

    async add(ctx: Context) {
      const step = stepOf(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const passkey = form.ok ? await verifyRegistration(s, step.interaction.uid, form.values.response, ctx.state.t('passkey.default_name')) : undefined;
      if (!passkey) return addPasskeyPage(ctx, s, step, { form: 'passkey.failed' }, 400);
      await addFactor(s, { via: 'sign-in' }, step.account.id, { passkey }, false);
      accountChanged(s, step.account, 'passkey_added');
      await render(ctx, 'message', { title: 'stepup.title', message: 'stepup.added', okUrl: step.interaction.returnTo, okLabel: 'stepup.sign_in_again' });
    },
  };
}
