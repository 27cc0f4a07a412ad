import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { render, type PageState } from '../../web/render.ts';
import type { FieldErrors } from '../../web/form.ts';
import { factorList, formatDay, formatTime, signInMethod } from '../../i18n/format.ts';
import { endDatePassed } from '../../accounts/end-date.ts';
import { isReauthenticated, REAUTH_SECONDS } from '../../mfa/reauth.ts';
import { holds, protection, staffOf, targetOf } from './guards.ts';
import { lockCounters } from './lock-counters.ts';
import { invitationState } from '../../accounts/account.ts';
import { linkedInstitutions } from '../../upstream/links-view.ts';

type StaffViewDeps = Pick<Services, 'limits' | 'store'>;

/**
 * One account as the helpdesk sees it: status, how it signs in, whether it is
 * locked, what happened lately. The action forms show only where this staff
 * member may change the account; each POST checks that again.
 */
export async function showStaffView(ctx: Context, s: StaffViewDeps, errors: FieldErrors = {}, status = 200): Promise<void> {
  const { locale } = ctx.state as PageState;
  const staffMember = staffOf(ctx);
  const a = targetOf(ctx);
  const when = (at: number) => (at ? formatTime(locale, at) : '');
  const [locked, reauthenticated] = await Promise.all([s.limits.accountLocked(lockCounters(a)), isReauthenticated(s, staffMember.session)]);
  await render(ctx, 'admin-account', {
    title: 'admin.account.title',
    account: { id: a.id, name: a.name, email: a.email, language: `admin.language.${a.locale}`, created: when(a.createdAt), disabled: a.disabled, passwordSet: !!a.passwordHash, roles: a.roles ?? [] },
    endDate: a.endDate ? { day: formatDay(locale, a.endDate), passed: endDatePassed(a) } : undefined,
    ...factorList(locale, a),
    locked,
    signIns: [...a.recentSignIns].sort((x, y) => y.at - x.at).map((x) => ({ at: when(x.at), method: signInMethod(x.method), ip: x.ip ?? '' })),
    // #26: institution accounts, with their last use; an upstream.* event reads from the upstream block of the catalogs.
    upstream: await linkedInstitutions(ctx, s.store, a.id),
    events: [...(a.recentEvents ?? [])].reverse().map((e) => ({ at: when(e.at), what: (e.event.startsWith('upstream.') ? `upstream.event.${e.event.split('.')[1]}` : `admin.event.${e.event.split('.')[1]}`) as MessageKey, by: e.by, note: e.note ?? '' })),
    invitation: a.invitation ? { state: `admin.invitation.${invitationState(a.invitation)}` as MessageKey, expires: when(a.invitation.expiresAt), resend: !a.passwordHash && !a.disabled } : undefined,
    protectedAs: protection(staffMember.account, a),
    manageRoles: holds(staffMember.account, 'admin'),
    reauthenticated,
    reauthMinutes: REAUTH_SECONDS / 60,
    hasCode: staffMember.account.totp.length > 0,
    hasPasskey: staffMember.account.passkeys.length > 0,
    returnTo: `/admin/accounts/${a.id}`,
    errors,
  }, status);
}
