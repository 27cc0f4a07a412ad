import type { Services } from '../services.ts';
import type { Ctx } from '../request-state.ts';
import type { FieldErrors } from './form.ts';
import { postedCode, postedPasskey } from './factor-failure.ts';
import { verifyTotp } from '../mfa/totp/verify.ts';
import { verifyRecoveryCode } from '../mfa/recovery/verify.ts';
import { verifyPasskey } from '../mfa/passkey/verify.ts';
import { authenticationOptions } from '../mfa/passkey/webauthn.ts';
import { markReauthenticated, type AccountSession } from '../mfa/reauth.ts';
import type { Via } from '../mfa/result.ts';
import { sendJson as json } from './json.ts';

/** Where "confirm it's you" is asked: whose it is, the page that asks again with errors, where a confirmation lands, and who acts. */
export interface ConfirmPlace {
  who: (ctx: Ctx) => AccountSession;
  page: (ctx: Ctx, a: AccountSession, errors: FieldErrors, status: number) => Promise<void>;
  landing: (ctx: Ctx) => string;
  via: Via;
}

type ConfirmDeps = Pick<Services, 'secrets' | 'limits' | 'replay' | 'audit' | 'accounts' | 'store' | 'config'>;

/**
 * "Confirm it's you" on My account, in the helpdesk console, and before a
 * passkey is added during a sign-in: the second factor again, through the same
 * verifiers as at sign-in (rate limits, replay guard, single-use challenges).
 */
export function confirmIdentity(s: ConfirmDeps, place: ConfirmPlace) {
  /** Passkey challenges for this are bound to the session, apart from those of a sign-in. */
  const boundTo = (a: AccountSession) => `reauth:${a.session.uid}`;
  const again = (ctx: Ctx, a: AccountSession) => (errors: FieldErrors, status: number) => place.page(ctx, a, errors, status);

  const confirmed = async (ctx: Ctx, a: AccountSession, factor: string) => {
    await markReauthenticated(s, a.session);
    s.audit('account.reauthenticated', { accountId: a.account.id, factor, via: place.via });
    ctx.status = 303;
    ctx.redirect(place.landing(ctx));
  };

  return {
    async code(ctx: Ctx) {
      const a = place.who(ctx);
      const passed = await postedCode(ctx, 'code', { name: 'code', max: 16 }, (code) => verifyTotp(s, a.account, code, place.via), again(ctx, a));
      if (passed) await confirmed(ctx, a, 'otp');
    },

    async recovery(ctx: Ctx) {
      const a = place.who(ctx);
      const passed = await postedCode(
        ctx,
        'recovery',
        { name: 'recovery_code', max: 32 },
        (code) => verifyRecoveryCode(s, a.account.id, code, place.via),
        again(ctx, a),
      );
      if (passed) await confirmed(ctx, a, 'recovery');
    },

    async passkeyOptions(ctx: Ctx) {
      const a = place.who(ctx);
      if (!a.account.passkeys.length) return json(ctx, { error: 'no passkey' }, 400);
      json(ctx, await authenticationOptions(s, boundTo(a), a.account));
    },

    async passkey(ctx: Ctx) {
      const a = place.who(ctx);
      const use = await postedPasskey(
        ctx,
        (response) => verifyPasskey(s, { boundTo: boundTo(a), response, account: a.account, via: place.via, ip: ctx.ip }),
        again(ctx, a),
      );
      if (use) await confirmed(ctx, a, use.passkey.kind);
    },
  };
}
