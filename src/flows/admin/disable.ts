import type { Services } from '../../services.ts';
import { EndDatePassed, setDisabled } from '../../accounts/operations/lifecycle.ts';
import { dayOf } from '../../i18n/format.ts';
import type { Ctx } from '../../request-state.ts';
import { targetOf } from './guards.ts';
import { actionDone, staffActor } from './staff-action.ts';
import { showStaffView } from './account-view.ts';

type DisableDeps = Pick<Services, 'store' | 'logout' | 'audit' | 'limits'>;

/** Disable (ending every session and token, voiding live links) or enable again; not past the end date (checkEnable). */
export function disableAccount(s: DisableDeps, disabled: boolean) {
  return async (ctx: Ctx) => {
    const target = targetOf(ctx);
    try {
      await setDisabled(s, staffActor(ctx), target.id, disabled);
    } catch (err) {
      if (!(err instanceof EndDatePassed)) throw err;
      return showStaffView(ctx, s, { form: { key: 'admin.enable.end_date_passed', params: { date: dayOf(err.endDate) } } }, 409);
    }
    await actionDone(ctx, disabled ? 'admin.disable.done' : 'admin.enable.done');
  };
}
