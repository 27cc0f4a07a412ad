import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { setDisabled } from '../../accounts/operations.ts';
import { staffOf, targetOf } from './guards.ts';
import { actionDone, recordStaffAction } from './staff-action.ts';

type DisableDeps = Pick<Services, 'store' | 'logout' | 'audit'>;

/** Disable (ending every session and token, voiding live links) or enable again. */
export function disableAccount(s: DisableDeps, disabled: boolean) {
  return async (ctx: Context) => {
    const target = targetOf(ctx);
    await setDisabled(s, target.id, disabled);
    await recordStaffAction(s, staffOf(ctx).account, target, disabled ? 'account.disabled' : 'account.enabled');
    await actionDone(ctx, disabled ? 'admin.disable.done' : 'admin.enable.done');
  };
}
