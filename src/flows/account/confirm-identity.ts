import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { readForm } from '../../web/form.ts';
import { updateAccount } from '../../accounts/update.ts';
import { acceptCode } from '../../mfa/totp/accept-code.ts';
import { useRecoveryCode } from '../../mfa/recovery/recovery-codes.ts';
import { authenticationOptions, verifyAuthentication } from '../../mfa/passkey/webauthn.ts';
import type { AccountSession } from './account-session.ts';
import type { accountGuards } from './guards.ts';
import { showAccount } from './account-page.ts';
import { markReauthenticated } from './reauth.ts';
import { json } from './json.ts';

/**
 * "Confirm it's you" on My account: the second factor again, through the same
 * checks as at sign-in (rate limits, replay guard, single-use challenges).
 */
export function confirmIdentity(s: Services, guards: ReturnType<typeof accountGuards>) {
  /** Passkey challenges for this are bound to the session, apart from those of a sign-in. */
  const boundTo = (a: AccountSession) => `reauth:${a.session.uid}`;

  const confirmed = async (ctx: Context, a: AccountSession, factor: string) => {
    await markReauthenticated(s, a.session);
    s.audit('account.reauthenticated', { accountId: a.account.id, factor });
    ctx.status = 303;
    ctx.redirect('/account');
  };

  return {
    async code(ctx: Context) {
      const a = await guards.signedIn(ctx);
      if (!a) return;
      const form = readForm(ctx, { code: 16 });
      if (!form.ok) return showAccount(ctx, s, a, form.errors, 400);
      const secrets = a.account.totp.map((f) => s.secrets.open(f.secret));
      const check = await acceptCode(s, a.account.id, secrets, form.values.code);
      if (check !== 'ok') return showAccount(ctx, s, a, { code: check }, check === 'verify.invalid' ? 400 : 429);
      await confirmed(ctx, a, 'otp');
    },

    async recovery(ctx: Context) {
      const a = await guards.signedIn(ctx);
      if (!a) return;
      const form = readForm(ctx, { recovery_code: 32 });
      if (!form.ok) return showAccount(ctx, s, a, form.errors, 400);
      const result = await useRecoveryCode(s, a.account.id, form.values.recovery_code);
      if (typeof result === 'string' || 'key' in result) return showAccount(ctx, s, a, { recovery_code: result }, typeof result === 'string' ? 400 : 429);
      await confirmed(ctx, a, 'recovery');
    },

    async passkeyOptions(ctx: Context) {
      const a = await guards.signedIn(ctx);
      if (!a) return;
      if (!a.account.passkeys.length) return json(ctx, { error: 'no passkey' }, 400);
      json(ctx, await authenticationOptions(s, boundTo(a), a.account));
    },

    async passkey(ctx: Context) {
      const a = await guards.signedIn(ctx);
      if (!a) return;
      const form = readForm(ctx, { response: 64 * 1024 });
      const use = form.ok ? await verifyAuthentication(s, boundTo(a), form.values.response, a.account) : undefined;
      if (!use) {
        s.audit('mfa.failure', { accountId: a.account.id, factor: 'passkey', via: 'account' });
        return showAccount(ctx, s, a, { form: 'passkey.failed' }, 400);
      }
      await updateAccount(s.accounts, a.account.id, (acc) => {
        const passkey = acc.passkeys.find((p) => p.id === use.passkey.id);
        if (passkey) passkey.counter = use.counter;
      });
      await confirmed(ctx, a, use.passkey.kind);
    },
  };
}
