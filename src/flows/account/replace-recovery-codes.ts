import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { regenerateRecoveryCodes } from '../../mfa/recovery/recovery-codes.ts';
import { accountOf } from '../session/guards.ts';
import { accountChanged } from '../../mail/account-changed.ts';

type RecoveryCodesDeps = Pick<Services, 'store' | 'audit' | 'mailer' | 'background' | 'config'>;

/** A fresh set of ten recovery codes, shown this once; the old set stops working at the same moment. */
export function replaceRecoveryCodes(s: RecoveryCodesDeps) {
  return async (ctx: Context) => {
    const a = accountOf(ctx);
    const codes = await regenerateRecoveryCodes(s, { via: 'self' }, a.account.id);
    accountChanged(s, a.account, 'recovery_codes');
    await render(ctx, 'enrolled', { title: 'account.recovery.title', message: 'account.recovery.done', codes, okUrl: '/account' });
  };
}
