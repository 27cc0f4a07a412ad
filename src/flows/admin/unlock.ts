import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { liftLockout as liftLocks } from '../../accounts/operations/lifecycle.ts';
import { targetOf } from './guards.ts';
import { actionDone, staffActor } from './staff-action.ts';

type UnlockDeps = Pick<Services, 'limits' | 'audit'>;

/** "I am locked out": the account's attempt counters start again (an attacker's own address stays blocked by its own counter). */
export function liftLockout(s: UnlockDeps) {
  return async (ctx: Context) => {
    await liftLocks(s, staffActor(ctx), targetOf(ctx));
    await actionDone(ctx, 'admin.unlock.done');
  };
}
