import type { Middleware } from 'koa';
import type { Services } from '../../services.ts';
import type { State } from '../../request-state.ts';
import { protection, staffOf, targetOf } from './guards.ts';
import { showStaffView } from './account-view.ts';

type MayChangeDeps = Pick<Services, 'audit' | 'limits' | 'store'>;

/**
 * Route guard, after targetAccount: the change is allowed for this staff member
 * on this account; else the account page, 403. (Apart from guards.ts, whose
 * accessors that page reads.)
 */
export function mayChange(s: MayChangeDeps): Middleware<State> {
  return async (ctx, next) => {
    const { account } = staffOf(ctx);
    const target = targetOf(ctx);
    const why = protection(account, target);
    if (!why) return next();
    s.audit('admin.refused', { accountId: target.id, by: account.id, path: ctx.path, reason: why });
    await showStaffView(ctx, s, { form: `admin.refused.${why}` }, 403);
  };
}
