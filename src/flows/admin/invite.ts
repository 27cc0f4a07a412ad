import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { sendInvitation } from '../invitation/invitation.ts';
import { staffOf, targetOf } from './guards.ts';
import { actionDone, recordStaffAction } from './staff-action.ts';
import { showStaffView } from './account-view.ts';

type InviteDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'mailer' | 'audit'>;

/**
 * Sends (or resends) the welcome mail with a set-password link; earlier links
 * stop working. Refused, with a message, once the holder has set a password or
 * while the account is disabled.
 */
export async function inviteFromConsole(s: InviteDeps, staffMember: Account, target: Account): Promise<'sent' | 'accepted' | 'disabled'> {
  const sent = await sendInvitation(s, target.id, { by: staffMember.id, byEmail: staffMember.email });
  if (typeof sent === 'string') return sent === 'accepted' ? 'accepted' : 'disabled';
  await recordStaffAction(s, staffMember, target, 'invitation.sent');
  return 'sent';
}

type ResendDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'mailer' | 'audit' | 'limits'>;

export function resendInvitation(s: ResendDeps) {
  return async (ctx: Context) => {
    const outcome = await inviteFromConsole(s, staffOf(ctx).account, targetOf(ctx));
    if (outcome !== 'sent') return showStaffView(ctx, s, { form: `admin.invite.${outcome}` }, 409);
    await actionDone(ctx, 'admin.invite.done');
  };
}
