import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { recordPasskeyUse } from '../../accounts/operations.ts';
import { checkCode } from '../../mfa/totp/check-code.ts';
import { factorFailure } from '../../web/factor-failure.ts';
import { useRecoveryCode } from '../../mfa/recovery/recovery-codes.ts';
import { authenticationOptions, verifyAuthentication } from '../../mfa/passkey/webauthn.ts';
import type { AccountSession } from './account-session.ts';
import { accountOf } from './guards.ts';
import { showAccount } from './account-page.ts';
import { markReauthenticated } from './reauth.ts';
import { PASSKEY_RESPONSE } from '../../mfa/passkey/response-schema.ts';
import { sendJson as json } from '../../web/json.ts';

/** Where "confirm it's you" is asked: the page that asks again with errors, and where a confirmation lands. */
export interface ConfirmPlace {
  page: (ctx: Context, a: AccountSession, errors: FieldErrors, status: number) => Promise<void>;
  landing: (ctx: Context) => string;
}

type ConfirmDeps = Pick<Services, 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config'>;

const MY_ACCOUNT: (s: ConfirmDeps) => ConfirmPlace = (s) => ({ page: (ctx, a, errors, status) => showAccount(ctx, s, a, errors, status), landing: () => '/account' });

/**
 * "Confirm it's you" on My account or the helpdesk console: the second factor
 * again, through the same checks as at sign-in (rate limits, replay guard,
 * single-use challenges).
 */
export function confirmIdentity(s: ConfirmDeps, place: ConfirmPlace = MY_ACCOUNT(s)) {
  /** Passkey challenges for this are bound to the session, apart from those of a sign-in. */
  const boundTo = (a: AccountSession) => `reauth:${a.session.uid}`;

  const confirmed = async (ctx: Context, a: AccountSession, factor: string) => {
    await markReauthenticated(s, a.session);
    s.audit('account.reauthenticated', { accountId: a.account.id, factor });
    ctx.status = 303;
    ctx.redirect(place.landing(ctx));
  };

  return {
    async code(ctx: Context) {
      const a = accountOf(ctx);
      const form = readForm(ctx, { code: 16 });
      if (!form.ok) return place.page(ctx, a, form.errors, 400);
      const secrets = a.account.totp.map((f) => s.secrets.open(f.secret));
      const check = await checkCode(s, a.account.id, secrets, form.values.code);
      if (check.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'code', check);
        return place.page(ctx, a, { code: message }, status);
      }
      await confirmed(ctx, a, 'otp');
    },

    async recovery(ctx: Context) {
      const a = accountOf(ctx);
      const form = readForm(ctx, { recovery_code: 32 });
      if (!form.ok) return place.page(ctx, a, form.errors, 400);
      const result = await useRecoveryCode(s, a.account.id, form.values.recovery_code);
      if (result.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'recovery', result);
        return place.page(ctx, a, { recovery_code: message }, status);
      }
      await confirmed(ctx, a, 'recovery');
    },

    async passkeyOptions(ctx: Context) {
      const a = accountOf(ctx);
      if (!a.account.passkeys.length) return json(ctx, { error: 'no passkey' }, 400);
      json(ctx, await authenticationOptions(s, boundTo(a), a.account));
    },

    async passkey(ctx: Context) {
      const a = accountOf(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const use = form.ok ? await verifyAuthentication(s, boundTo(a), form.values.response, a.account) : undefined;
      if (use?.kind !== 'ok') {
        s.audit('mfa.failure', { accountId: a.account.id, factor: 'passkey', via: 'account' });
        return place.page(ctx, a, { form: 'passkey.failed' }, 400);
      }
      await recordPasskeyUse(s.store, a.account.id, use.passkey.id, use.counter);
      await confirmed(ctx, a, use.passkey.kind);
    },
  };
}
