import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import type { Actor } from '../../accounts/events.ts';
import { sendInvitation } from '../../accounts/invitation.ts';
import { targetOf } from './guards.ts';
import { actionDone, staffActor } from './staff-action.ts';
import { showStaffView } from './account-view.ts';

type InviteDeps = Pick<Services, 'store' | 'config' | 'mailer' | 'audit'>;

/**
 * Sends (or resends) the welcome mail with a set-password link; earlier links
 * stop working. Refused, with a message, once the holder has set a password or
 * while the account is disabled.
 */
export async function inviteFromConsole(s: InviteDeps, staffMember: Actor, target: Account): Promise<'sent' | 'accepted' | 'disabled'> {
  const sent = await sendInvitation(s, staffMember, target.id);
  if (typeof sent === 'string') return sent === 'accepted' ? 'accepted' : 'disabled';
  return 'sent';
}

type ResendDeps = Pick<Services, 'store' | 'config' | 'mailer' | 'audit' | 'limits'>;

export function resendInvitation(s: ResendDeps) {
  return async (ctx: Context) => {
    const outcome = await inviteFromConsole(s, staffActor(ctx), targetOf(ctx));
    if (outcome !== 'sent') return showStaffView(ctx, s, { form: `admin.invite.${outcome}` }, 409);
    await actionDone(ctx, 'admin.invite.done');
  };
}
