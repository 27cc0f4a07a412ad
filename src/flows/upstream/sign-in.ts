import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { hasSecondFactor } from '../../accounts/account.ts';
import { accountUsable, signInTime } from '../../accounts/standing.ts';
import { mayEnrolThroughLink } from '../../accounts/upstream-links.ts';
import { INSTITUTION_ONLY } from '../../oidc/amr.ts';
import { nowSeconds } from '../../clock.ts';
import { SignInExpired } from '../../errors.ts';
import { identityRef, type UpstreamIdentity } from '../../upstream/client.ts';
import type { UpstreamProvider } from '../../upstream/config.ts';
import type { UpstreamPurpose } from '../../upstream/pending.ts';
import { interactionUrl, keepWithSignIn, seeOther } from '../interaction.ts';
import { upstreamPage } from './pages.ts';

type SignInDeps = Pick<Services, 'provider' | 'accounts' | 'store' | 'audit'>;

/**
 * The institution's login as a sign-in's first step: it stands in for the
 * password, and for nothing more. The identity is looked up by its pair
 * (issuer, subject) only — an identity linked to no account gets the page that
 * explains how to link one, and no account, whatever address the institution
 * sends. The account as it is now decides: disabled or ended, refused; without
 * a second factor, refused unless this is the first login after an invitation
 * completed by linking (mayEnrolThroughLink). Then the sign-in goes on exactly
 * as after a password — the provider's mfa prompt asks CBS's second factor (or
 * its enrolment), and its policy judges both steps again when the sign-in resumes.
 */
export function upstreamSignIn(s: SignInDeps) {
  return async (ctx: Context, provider: UpstreamProvider, identity: UpstreamIdentity, { uid }: Extract<UpstreamPurpose, { kind: 'login' }>) => {
    const interaction = await s.provider.Interaction.find(uid);
    if (!interaction) throw new SignInExpired('the sign-in ended while the person was at the institution');
    const who = { provider: provider.id, identityRef: identityRef(identity), ip: ctx.ip };
    const link = await s.store.upstreamLinks.find(identity.issuer, identity.subject);
    if (!link) {
      s.audit('upstream.no_link', who);
      return upstreamPage(ctx, 'upstream.unlinked.title', 'upstream.unlinked.text', 403);
    }
    const account = await s.accounts.findById(link.accountId);
    const refused =
      !account || !accountUsable(account) ? 'account' : !hasSecondFactor(account) && !mayEnrolThroughLink(account, link) ? 'no_factor' : undefined;
    if (refused || !account) {
      s.audit('upstream.refused', { ...who, accountId: link.accountId, reason: refused === 'account' ? 'account_unusable' : 'no_second_factor' });
      return upstreamPage(ctx, 'upstream.refused.title', refused === 'no_factor' ? 'upstream.refused.no_factor' : 'upstream.refused.account', 403);
    }
    // A sign-in that moved on meanwhile (its password step done in another tab) keeps what it has.
    if (interaction.prompt.name === 'login') {
      await keepWithSignIn(interaction, { login: { accountId: account.id, ...INSTITUTION_ONLY, ts: signInTime(account), remember: false } });
    }
    await s.store.upstreamLinks.used(account.id, link.issuer, link.subject, nowSeconds());
    s.audit('upstream.verified', { ...who, accountId: account.id });
    seeOther(ctx, interactionUrl(uid));
  };
}
