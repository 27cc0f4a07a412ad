import type { Context } from 'koa';
import type { MessageKey } from '../../i18n/index.ts';
import { render } from '../../web/render.ts';
import { staffOf, targetOf } from './guards.ts';
import type { Actor } from '../../accounts/events.ts';

/**
 * Who makes a console change: the signed-in staff member. The account
 * operation records its event naming them, in the log and in the account's
 * history (what the console shows).
 */
export const staffActor = (ctx: Context): Actor => ({ via: 'console', by: staffOf(ctx).account });

/** The page after a console action: what happened, and OK back to the account. */
export function actionDone(ctx: Context, message: MessageKey): Promise<void> {
  return render(ctx, 'message', { title: 'admin.account.title', message, okUrl: `/admin/accounts/${targetOf(ctx).id}` });
}
