import type { Services } from '../../services.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { render } from '../../web/render.ts';
import type { Ctx } from '../../request-state.ts';
import type { FieldErrors } from '../../web/form.ts';
import { dayOf, factorList, momentOf, signInMethod } from '../../i18n/format.ts';
import { endDatePassed } from '../../accounts/end-date.ts';
import { isReauthenticated, REAUTH_SECONDS } from '../../mfa/reauth.ts';
import { protection, staffOf, targetOf } from './guards.ts';
import { holds } from '../../accounts/roles.ts';
import { lockCounters } from '../../accounts/lock-counters.ts';
import { invitationState } from '../../accounts/account.ts';
import { historyView } from './history-view.ts';
import { linkedInstitutions } from '../../upstream/links-view.ts';

type StaffViewDeps = Pick<Services, 'limits' | 'store' | 'audit'>;

/**
 * One account as the helpdesk sees it: status, how it signs in, whether it is
 * locked, and its history (who changed what, when, how). The action forms show
 * only where this staff member may change the account; each POST checks that again.
 */
export async function showStaffView(ctx: Ctx, s: StaffViewDeps, errors: FieldErrors = {}, status = 200): Promise<void> {
  const { t } = ctx.state;
  const staffMember = staffOf(ctx);
  const a = targetOf(ctx);
  const [locked, reauthenticated, history] = await Promise.all([
    s.limits.accountLocked(lockCounters(a)),
    isReauthenticated(s, staffMember.session),
    s.audit.history(a.id),
  ]);
  await render(
    ctx,
    'admin/admin-account',
    {
      title: 'admin.account.title',
      account: {
        id: a.id,
        name: a.name,
        email: a.email,
        language: `admin.language.${a.locale}`,
        created: momentOf(a.createdAt),
        disabled: a.disabled,
        passwordSet: !!a.passwordHash,
        roles: a.roles ?? [],
      },
      endDate: a.endDate ? { day: dayOf(a.endDate), passed: endDatePassed(a) } : undefined,
      ...factorList(a),
      locked,
      signIns: [...a.recentSignIns].sort((x, y) => y.at - x.at).map((x) => ({ at: momentOf(x.at), method: signInMethod(x.method), ip: x.ip ?? '' })),
      history: historyView(t, history),
      // #26: institution accounts, with their last use; an upstream.* event reads from the upstream block of the catalogs.
      upstream: await linkedInstitutions(ctx, s.store, a.id),
      invitation: a.invitation
        ? {
            state: `admin.invitation.${invitationState(a.invitation)}` as MessageKey,
            expires: momentOf(a.invitation.expiresAt),
            resend: !a.passwordHash && !a.disabled,
          }
        : undefined,
      protectedAs: protection(staffMember.account, a),
      manageRoles: holds(staffMember.account, 'admin'),
      reauthenticated,
      reauthMinutes: REAUTH_SECONDS / 60,
      hasCode: staffMember.account.totp.length > 0,
      hasPasskey: staffMember.account.passkeys.length > 0,
      returnTo: `/admin/accounts/${a.id}`,
      errors,
    },
    status,
  );
}
