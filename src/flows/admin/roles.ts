import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { grantRole, revokeRole } from '../../accounts/operations.ts';
import { staffOf, targetOf } from './guards.ts';
import { actionDone, recordStaffAction } from './staff-action.ts';

type RolesDeps = Pick<Services, 'store' | 'audit'>;

/**
 * The helpdesk role, given or taken by an admin (the route's guard). The admin
 * role itself is only granted at the server, with the CLI, so that the console
 * cannot make more admins.
 */
export function helpdeskRole(s: RolesDeps, grant: boolean) {
  return async (ctx: Context) => {
    const target = targetOf(ctx);
    const changed = await (grant ? grantRole : revokeRole)(s.store, target.id, 'helpdesk');
    if (changed) await recordStaffAction(s, staffOf(ctx).account, target, grant ? 'account.role_granted' : 'account.role_revoked', 'helpdesk');
    await actionDone(ctx, grant ? 'admin.roles.granted' : 'admin.roles.revoked');
  };
}
