import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { standingProblem } from '../../accounts/standing.ts';
import { linkUpstream, MAX_LINKS, unlinkUpstream, type LinkOutcome } from '../../accounts/upstream-links.ts';
import type { MessageKey, MessageParams } from '../../i18n/index.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { firstFactorOf, isMultiFactor } from '../../oidc/amr.ts';
import type { UpstreamIdentity } from '../../upstream/client.ts';
import type { UpstreamProvider } from '../../upstream/config.ts';
import type { UpstreamPurpose } from '../../upstream/pending.ts';
import { readForm } from '../../web/form.ts';
import { render } from '../../web/render.ts';
import { outcomePage, upstreamPage } from './pages.ts';

type LinkDeps = Pick<Services, 'provider' | 'accounts' | 'store' | 'audit' | 'mailer' | 'background' | 'config'>;

/** What the holder is told of a link, and its status. */
export const LINK_OUTCOME: Record<LinkOutcome, { message: MessageKey; status: number; params?: MessageParams }> = {
  linked: { message: 'upstream.account.linked', status: 200 },
  already: { message: 'upstream.account.already', status: 200 },
  taken: { message: 'upstream.account.taken', status: 409 },
  too_many: { message: 'upstream.account.too_many', status: 409, params: { max: MAX_LINKS } },
};

/**
 * My account's linking, completed: the browser must still be signed in as the
 * account that asked, by the same sign-in, with the password and the second
 * factor, and that sign-in must still stand (not ended, not reset). Only then
 * is the identity linked (linkUpstream: audited, mailed).
 */
export function upstreamLinking(s: LinkDeps) {
  return async (ctx: Context, provider: UpstreamProvider, identity: UpstreamIdentity, purpose: Extract<UpstreamPurpose, { kind: 'link' }>) => {
    const session = await s.provider.Session.get(ctx);
    const account = session.accountId === purpose.accountId ? await s.accounts.findById(purpose.accountId) : undefined;
    const stands =
      !!account &&
      session.uid === purpose.sessionUid &&
      session.loginTs === purpose.loginTs &&
      firstFactorOf(session.amr) === 'pwd' &&
      isMultiFactor(session.amr) &&
      !standingProblem(account, { loginTs: session.loginTs, multiFactor: true });
    if (!stands || !account) {
      s.audit('upstream.link_refused', { accountId: purpose.accountId, provider: provider.id, via: 'account', reason: 'session_changed' });
      return upstreamPage(ctx, 'upstream.account.title', 'upstream.refused.session', 403);
    }
    await outcomePage(ctx, 'upstream.account.title', LINK_OUTCOME[await linkUpstream(s, account, identity, provider.id, { via: 'account' })]);
  };
}

type UnlinkDeps = Pick<Services, 'store' | 'audit' | 'mailer' | 'background' | 'config'>;
const FIELDS = { id: 40 };

/** Unlinking: on My account by the holder, in the console by staff (after the routes' guards: signed in, confirmed, may change). */
export function upstreamUnlinking(s: UnlinkDeps) {
  const unlink = async (
    ctx: Context,
    account: Account,
    by: { via: 'account' } | { via: 'console'; by: Account },
    back: { url: string; label: MessageKey },
    done: MessageKey,
  ) => {
    const { values, ok } = readForm(ctx, FIELDS);
    const removed = ok ? await unlinkUpstream(s, account, values.id, by) : undefined;
    if (!removed)
      return render(ctx, 'message', { title: 'upstream.account.title', message: 'upstream.account.unknown', okUrl: back.url, okLabel: back.label }, 404);
    await render(ctx, 'message', { title: 'upstream.account.title', message: done, okUrl: back.url, okLabel: back.label });
  };
  return {
    own: (ctx: Context) =>
      unlink(
        ctx,
        (ctx.state.accountSession as AccountSession).account,
        { via: 'account' },
        { url: '/account', label: 'account.back' },
        'upstream.account.unlinked',
      ),
    byStaff: (ctx: Context) => {
      const target = ctx.state.targetAccount as Account;
      return unlink(
        ctx,
        target,
        { via: 'console', by: (ctx.state.accountSession as AccountSession).account },
        { url: `/admin/accounts/${target.id}`, label: 'admin.account.back' },
        'upstream.admin.unlinked',
      );
    },
  };
}
