import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { staffOf, targetOf } from './guards.ts';
import { lockCounters } from './lock-counters.ts';
import { actionDone, recordStaffAction } from './staff-action.ts';

type UnlockDeps = Pick<Services, 'limits' | 'store' | 'audit'>;

/** "I am locked out": the account's attempt counters start again (an attacker's own address stays blocked by its own counter). */
export function liftLockout(s: UnlockDeps) {
  return async (ctx: Context) => {
    const target = targetOf(ctx);
    await s.limits.liftAccountLocks(lockCounters(target));
    await recordStaffAction(s, staffOf(ctx).account, target, 'account.unlocked');
    await actionDone(ctx, 'admin.unlock.done');
  };
}
