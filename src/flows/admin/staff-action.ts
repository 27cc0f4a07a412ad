import type { Context } from 'koa';
import type { MessageKey } from '../../i18n/index.ts';
import { render } from '../../web/render.ts';
import { targetOf } from './guards.ts';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import type { AuditEvent } from '../../audit.ts';
import { recordAccountEvent } from '../../accounts/operations.ts';

type StaffActionDeps = Pick<Services, 'audit' | 'store'>;

/**
 * Every console action leaves an audit event naming the staff member, and a
 * line in the account's own recent events (what the console shows; the audit
 * log stays the full record).
 */
export async function recordStaffAction(s: StaffActionDeps, staffMember: Account, target: Account, event: AuditEvent, note?: string): Promise<void> {
  s.audit(event, { accountId: target.id, by: staffMember.id, byEmail: staffMember.email, via: 'console', ...(note ? { note } : {}) });
  await recordAccountEvent(s.store, target.id, { event, by: staffMember.email, ...(note ? { note } : {}) });
}

/** The page after a console action: what happened, and OK back to the account. */
export function actionDone(ctx: Context, message: MessageKey): Promise<void> {
  return render(ctx, 'message', { title: 'admin.account.title', message, okUrl: `/admin/accounts/${targetOf(ctx).id}` });
}
