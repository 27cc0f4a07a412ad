import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { render } from '../../web/render.ts';
import type { FieldErrors } from '../../web/form.ts';
import { postedCode } from '../../web/factor-failure.ts';
import { addFactor } from '../../accounts/operations/factors.ts';
import { activateTotp } from '../../mfa/totp/verify.ts';
import { offeredSecret, type TotpOffer } from '../../mfa/totp/pending-secret.ts';
import { enrolmentView } from '../../mfa/totp/enrolment-view.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { accountOf } from '../session/guards.ts';
import { accountChanged } from '../../mail/account-changed.ts';
import { removeFactorAction } from './remove-factor.ts';

type AuthenticatorAppsDeps = Pick<Services, 'secrets' | 'config' | 'limits' | 'replay' | 'audit' | 'store' | 'mailer' | 'background'>;

/**
 * Another authenticator app, or one fewer. The secret being added is on offer
 * to this session's account (pending-secret.ts), as at a sign-in's enrolment, so
 * nothing is added until the app's first code proves it was scanned.
 */
export function authenticatorApps(s: AuthenticatorAppsDeps) {
  const offer = (a: AccountSession): TotpOffer => ({ boundTo: `account:${a.session.uid}`, accountId: a.account.id });

  const page = async (ctx: Ctx, a: AccountSession, errors: FieldErrors = {}, status = 200) => {
    const view = await enrolmentView(s.config.issuer, a.account.email, await offeredSecret(s, offer(a)));
    await render(ctx, 'account/account-totp', { title: 'account.totp.title', ...view, errors }, status);
  };

  return {
    show: (ctx: Ctx) => page(ctx, accountOf(ctx)),

    async add(ctx: Ctx) {
      const a = accountOf(ctx);
      const activated = await postedCode(
        ctx,
        'code',
        { name: 'code', max: 16 },
        (code) => activateTotp(s, offer(a), code, 'self'),
        (errors, status) => page(ctx, a, errors, status),
      );
      if (!activated) return;
      const { secret } = activated;
      await addFactor(
        s,
        { via: 'self' },
        a.account.id,
        { totp: { secret: s.secrets.seal(secret), sameAs: (sealed) => s.secrets.open(sealed) === secret } },
        false,
      );
      accountChanged(s, a.account, 'totp_added');
      await render(ctx, 'message', { title: 'account.totp.title', message: 'account.totp.done', okUrl: '/account' });
    },

    remove: removeFactorAction(s, 'totp'),
  };
}
