import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { grantRole, revokeRole } from '../../accounts/operations/roles.ts';
import { targetOf } from './guards.ts';
import { actionDone, staffActor } from './staff-action.ts';

type RolesDeps = Pick<Services, 'store' | 'audit'>;

/**
 * The helpdesk role, given or taken by an admin (the route's guard). The admin
 * role itself is only granted at the server, with the CLI, so that the console
 * cannot make more admins.
 */
export function helpdeskRole(s: RolesDeps, grant: boolean) {
  return async (ctx: Context) => {
    const target = targetOf(ctx);
    await (grant ? grantRole : revokeRole)(s, staffActor(ctx), target.id, 'helpdesk');
    await actionDone(ctx, grant ? 'admin.roles.granted' : 'admin.roles.revoked');
  };
}
