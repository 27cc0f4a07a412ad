import type { Context } from 'koa';
import type { Services } from '../services.ts';
import { readForm, type FieldErrors } from './form.ts';
import { recordPasskeyUse } from '../accounts/operations/factors.ts';
import { checkCode } from '../mfa/totp/check-code.ts';
import { factorFailure } from './factor-failure.ts';
import { useRecoveryCode } from '../mfa/recovery/recovery-codes.ts';
import { authenticationOptions, verifyAuthentication } from '../mfa/passkey/webauthn.ts';
import { markReauthenticated, type AccountSession } from '../mfa/reauth.ts';
import type { FactorResult } from '../mfa/result.ts';
import { PASSKEY_RESPONSE } from '../mfa/passkey/response-schema.ts';
import { sendJson as json } from './json.ts';

/** Where "confirm it's you" is asked: whose it is, the page that asks again with errors, and where a confirmation lands. */
export interface ConfirmPlace {
  who: (ctx: Context) => AccountSession;
  page: (ctx: Context, a: AccountSession, errors: FieldErrors, status: number) => Promise<void>;
  landing: (ctx: Context) => string;
}

type ConfirmDeps = Pick<Services, 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config'>;

/**
 * "Confirm it's you" on My account, in the helpdesk console, and before a
 * passkey is added during a sign-in: the second factor again, through the same
 * checks as at sign-in (rate limits, replay guard, single-use challenges).
 */
export function confirmIdentity(s: ConfirmDeps, place: ConfirmPlace) {
  /** Passkey challenges for this are bound to the session, apart from those of a sign-in. */
  const boundTo = (a: AccountSession) => `reauth:${a.session.uid}`;

  const confirmed = async (ctx: Context, a: AccountSession, factor: string) => {
    await markReauthenticated(s, a.session);
    s.audit('account.reauthenticated', { accountId: a.account.id, factor });
    ctx.status = 303;
    ctx.redirect(place.landing(ctx));
  };

  /** A typed code (an authenticator app's, or a recovery code), through its own check; a failure is shown at its field. */
  const typedCode = <F extends string>(field: F, max: number, type: 'code' | 'recovery', factor: string, check: (a: AccountSession, value: string) => Promise<FactorResult>) =>
    async (ctx: Context) => {
      const a = place.who(ctx);
      const form = readForm(ctx, { [field]: max } as Record<F, number>);
      if (!form.ok) return place.page(ctx, a, form.errors, 400);
      const result = await check(a, form.values[field]);
      if (result.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, type, result);
        return place.page(ctx, a, { [field]: message }, status);
      }
      await confirmed(ctx, a, factor);
    };

  return {
    code: typedCode('code', 16, 'code', 'otp', (a, code) => checkCode(s, a.account.id, a.account.totp.map((f) => s.secrets.open(f.secret)), code)),
    recovery: typedCode('recovery_code', 32, 'recovery', 'recovery', (a, code) => useRecoveryCode(s, { via: 'self' }, a.account.id, code)),

    async passkeyOptions(ctx: Context) {
      const a = place.who(ctx);
      if (!a.account.passkeys.length) return json(ctx, { error: 'no passkey' }, 400);
      json(ctx, await authenticationOptions(s, boundTo(a), a.account));
    },

    async passkey(ctx: Context) {
      const a = place.who(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const use = form.ok ? await verifyAuthentication(s, boundTo(a), form.values.response, a.account) : undefined;
      if (use?.kind !== 'ok') {
        s.audit('mfa.failure', { accountId: a.account.id, factor: 'passkey', via: 'account' });
        return place.page(ctx, a, { form: 'passkey.failed' }, 400);
      }
      await recordPasskeyUse(s, a.account.id, use.passkey.id, use.counter);
      await confirmed(ctx, a, use.passkey.kind);
    },
  };
}
