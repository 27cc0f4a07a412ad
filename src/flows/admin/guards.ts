import type { Middleware } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { holds, isStaff, type Role } from '../../accounts/roles.ts';
import { findAccount } from '../../accounts/find.ts';
import { render } from '../../web/render.ts';
import { accountOf } from '../session/guards.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { fromGuard, type Ctx, type State } from '../../request-state.ts';

/** The signed-in staff member of a console request (after signedIn and staff). */
export const staffOf = (ctx: Ctx): AccountSession => accountOf(ctx);
/** The account a console request is about (after targetAccount). */
export const targetOf = (ctx: Ctx) => fromGuard(ctx, 'targetAccount');

type StaffDeps = Pick<Services, 'audit'>;

/**
 * Route guard, after signedIn: the signed-in account holds this role (or
 * admin). Anyone else gets a 403 page, and the refusal is audited.
 */
export function staff(s: StaffDeps, role: Role): Middleware<State> {
  return async (ctx, next) => {
    const { account } = staffOf(ctx);
    if (holds(account, role)) return next();
    s.audit('admin.refused', { accountId: account.id, path: ctx.path, reason: `needs role ${role}` });
    await render(ctx, 'error', { title: 'admin.title', message: 'admin.refused.role' }, 403);
  };
}

type TargetDeps = Pick<Services, 'accounts'>;

/** Route guard: the account named by :id, or the 404 page (also for a removed account: find.ts). */
export function targetAccount(s: TargetDeps): Middleware<State> {
  return async (ctx, next) => {
    const target = typeof ctx.params?.id === 'string' ? await findAccount(s.accounts, ctx.params.id) : undefined;
    if (!target) return render(ctx, 'error', { title: 'admin.title', message: 'error.not_found' }, 404);
    ctx.state.targetAccount = target;
    await next();
  };
}

/**
 * Why this staff member may not change this account through the console, if
 * they may not: nobody changes their own account here (My account is for
 * that, and nobody grants themselves more), and only an admin changes another
 * staff member's account.
 */
export function protection(staffMember: Account, target: Account): 'self' | 'staff' | undefined {
  if (staffMember.id === target.id) return 'self';
  if (isStaff(target) && !holds(staffMember, 'admin')) return 'staff';
  return undefined;
}
