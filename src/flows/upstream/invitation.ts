import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { invitationOpenFor, linkUpstream } from '../../accounts/upstream-links.ts';
import { takeSetPasswordLink } from '../../accounts/reset-tokens.ts';
import { identityRef, type UpstreamIdentity } from '../../upstream/client.ts';
import type { UpstreamProvider } from '../../upstream/config.ts';
import type { UpstreamPurpose } from '../../upstream/pending.ts';
import { outcomePage, upstreamPage } from './pages.ts';
import { LINK_OUTCOME } from './link.ts';

type InvitationDeps = Pick<Services, 'accounts' | 'store' | 'audit' | 'mailer' | 'background' | 'config'>;

/**
 * An invitation completed with an institution account: the welcome mail's link
 * (still the account's open invitation, taken now, once) and a login at the
 * institution together link the identity; no password is set. CBS's second
 * factor is enrolled at the first login, through the institution.
 */
export function upstreamInvitation(s: InvitationDeps) {
  const linkGone = (ctx: Context) => upstreamPage(ctx, 'set.link_title', 'set.error.link', 410, { url: '/password/request', label: 'login.request_password' });

  return async (ctx: Context, provider: UpstreamProvider, identity: UpstreamIdentity, purpose: Extract<UpstreamPurpose, { kind: 'invitation' }>) => {
    const refuse = (reason: string) =>
      s.audit('upstream.link_refused', { accountId: purpose.accountId, provider: provider.id, identityRef: identityRef(identity), via: 'invitation', reason });
    const account = await s.accounts.findById(purpose.accountId);
    if (!invitationOpenFor(account, purpose.tokenHash)) {
      refuse('invitation_closed');
      return linkGone(ctx);
    }
    // Another account's institution identity: refused before the invitation is used up.
    const existing = await s.store.upstreamLinks.find(identity.issuer, identity.subject);
    if (existing && existing.accountId !== account.id) {
      refuse('taken');
      return upstreamPage(ctx, 'upstream.account.title', 'upstream.account.taken', 409);
    }
    const taken = await takeSetPasswordLink(s.store, { accountId: account.id, hash: purpose.tokenHash });
    if (!taken) {
      refuse('invitation_used');
      return linkGone(ctx);
    }
    const outcome = await linkUpstream(s, account, identity, provider.id, { via: 'invitation', mailedTo: taken.mailedTo });
    if (outcome !== 'linked' && outcome !== 'already') return outcomePage(ctx, 'upstream.account.title', LINK_OUTCOME[outcome]);
    await upstreamPage(ctx, 'upstream.invitation.title', 'upstream.invitation.done');
  };
}
