import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm, type FieldErrors } from '../../web/form.ts';
import { addFactor } from '../../accounts/operations/factors.ts';
import { checkCode } from '../../mfa/totp/check-code.ts';
import { newTotpSecret } from '../../mfa/totp/totp.ts';
import { enrolmentView } from '../../mfa/totp/enrolment-view.ts';
import { factorFailure } from '../../web/factor-failure.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { accountOf } from './guards.ts';
import { showAccount } from './account-page.ts';
import { accountChanged } from '../../mail/account-changed.ts';
import { removeFactorAction } from './remove-factor.ts';

type AuthenticatorAppsDeps = Pick<Services, 'secrets' | 'config' | 'limits' | 'replay' | 'audit' | 'store' | 'mailer' | 'background'>;

/**
 * Another authenticator app, or one fewer. The secret being added travels in
 * the form, sealed with SECRETS_KEY together with the account id, so nothing is
 * stored until the app's first code proves it was scanned.
 */
export function authenticatorApps(s: AuthenticatorAppsDeps) {
  const seal = (a: AccountSession, secret: string) => s.secrets.seal(`${a.account.id}:${secret}`);
  /** The pending secret, only when it was sealed by us for this account. */
  const open = (a: AccountSession, sealed: string): string | undefined => {
    try {
      const plain = s.secrets.open(sealed);
      const colon = plain.lastIndexOf(':');
      return plain.slice(0, colon) === a.account.id && colon < plain.length - 1 ? plain.slice(colon + 1) : undefined;
    } catch {
      return undefined;
    }
  };

  const page = async (ctx: Context, a: AccountSession, secret: string, errors: FieldErrors, status = 200) => {
    const view = await enrolmentView(s.config.issuer, a.account.email, secret);
    await render(ctx, 'account-totp', { title: 'account.totp.title', ...view, pending: seal(a, secret), errors }, status);
  };

  return {
    async show(ctx: Context) {
      const a = accountOf(ctx);
      await page(ctx, a, newTotpSecret(), {});
    },

    async add(ctx: Context) {
      const a = accountOf(ctx);
      const form = readForm(ctx, { pending: 512, code: 16 });
      const secret = open(a, form.values.pending);
      if (!secret) return showAccount(ctx, s, a, { form: 'account.totp.expired' }, 400);
      if (!form.ok) return page(ctx, a, secret, form.errors, 400);
      const check = await checkCode(s, a.account.id, [secret], form.values.code);
      if (check.kind !== 'ok') {
        const { message, status } = factorFailure(ctx, 'code', check);
        return page(ctx, a, secret, { code: message }, status);
      }

      await addFactor(s, { via: 'self' }, a.account.id, { totp: { secret: s.secrets.seal(secret), sameAs: (sealed) => s.secrets.open(sealed) === secret } }, false);
      accountChanged(s, a.account, 'totp_added');
      await render(ctx, 'message', { title: 'account.totp.title', message: 'account.totp.done', okUrl: '/account' });
    },

    remove: removeFactorAction(s, 'totp'),
  };
}
