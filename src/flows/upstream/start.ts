import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import type { UpstreamProvider } from '../../upstream/config.ts';
import type { UpstreamPurpose } from '../../upstream/pending.ts';
import { firstFactorOf } from '../../oidc/amr.ts';
import { invitationOpenFor } from '../../accounts/upstream-links.ts';
import { parseResetToken, RESET_PURPOSE } from '../../accounts/reset-tokens.ts';
import { readForm } from '../../web/form.ts';
import { render, type PageState } from '../../web/render.ts';
import { adoptLocale } from '../../web/page-state.ts';
import { interactionOf, seeOther } from '../interaction.ts';
import { leadBackTo, upstreamPage } from './pages.ts';

type StartDeps = Pick<Services, 'upstream' | 'audit' | 'accounts' | 'store'>;

/** The provider named in the URL; unknown: the not-found page. */
const notFound = (ctx: Context) => render(ctx, 'error', { title: 'error.title', message: 'error.not_found' }, 404);

/** An application that asked for a new login (prompt=login, max_age) gets one at the institution too. */
const FRESH_LOGIN = ['login_prompt', 'max_age'];

/**
 * The three ways to the provider: a sign-in's first step (the login page's
 * button), linking on My account, and completing an invitation. Each keeps its
 * purpose with the pending sign-in, bound to this browser, and sends it there.
 */
export function upstreamStarts(s: StartDeps) {
  const go = async (ctx: Context, provider: UpstreamProvider, purpose: UpstreamPurpose, fresh: boolean) => {
    leadBackTo(ctx, purpose);
    const url = await s.upstream.start(ctx, provider, purpose, { locale: (ctx.state as PageState).locale, fresh });
    s.audit('upstream.started', {
      provider: provider.id,
      purpose: purpose.kind,
      ...('accountId' in purpose ? { accountId: purpose.accountId } : {}),
      ip: ctx.ip,
    });
    seeOther(ctx, url);
  };

  return {
    /** After atPrompt('login'): the institution instead of the password. */
    async login(ctx: Context) {
      const provider = s.upstream.provider(ctx.params.provider);
      if (!provider) return notFound(ctx);
      const interaction = interactionOf(ctx);
      await go(
        ctx,
        provider,
        { kind: 'login', uid: interaction.uid },
        interaction.prompt.reasons.some((r) => FRESH_LOGIN.includes(r)),
      );
    },

    /**
     * After signedIn and recentSecondFactor: My account's "Link your institution
     * account", only for a sign-in with the password (and the second factor). The
     * person logs in at the institution anew, so that the account linked is the one they mean.
     */
    async link(ctx: Context) {
      const provider = s.upstream.provider(ctx.params.provider);
      if (!provider) return notFound(ctx);
      const { session, account } = ctx.state.accountSession as AccountSession;
      const purpose: UpstreamPurpose = { kind: 'link', accountId: account.id, sessionUid: session.uid, loginTs: session.loginTs ?? 0 };
      leadBackTo(ctx, purpose);
      if (firstFactorOf(session.amr) !== 'pwd') {
        s.audit('upstream.link_refused', { accountId: account.id, provider: provider.id, via: 'account', reason: 'not_signed_in_with_password' });
        return upstreamPage(ctx, 'upstream.account.title', 'upstream.account.needs_password', 403);
      }
      await go(ctx, provider, purpose, true);
    },

    /** The set-password page of an open invitation: link an institution account instead of setting a password. */
    async invitation(ctx: Context) {
      const provider = s.upstream.provider(ctx.params.provider);
      if (!provider) return notFound(ctx);
      const token = parseResetToken(readForm(ctx, { token: 200 }).values.token);
      const account = token ? await s.accounts.findById(token.accountId) : undefined;
      if (!token || !invitationOpenFor(account, token.hash) || !(await s.store.tokens.peek(RESET_PURPOSE, token.accountId, token.hash))) {
        return upstreamPage(ctx, 'set.link_title', 'set.error.link', 410, { url: '/password/request', label: 'login.request_password' });
      }
      adoptLocale(ctx, account.locale);
      await go(ctx, provider, { kind: 'invitation', accountId: account.id, tokenHash: token.hash }, true);
    },
  };
}
