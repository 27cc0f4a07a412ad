import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { invitationState, type Account } from '../../accounts/account.ts';

const PAGE_SIZE = 20;
const QUERY_MAX = 200;
/** Matches a search reads at most (ten pages): past that, the helpdesk types more of the address or name. */
const SEARCH_WITHIN = 200;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

type SearchDeps = Pick<Services, 'accounts'>;

/**
 * Accounts whose address, or name from any of its words on, starts with the query
 * (case and accents ignored: "emi" finds "Émile"), 20 a page, in the order of what
 * matched; or the accounts with an open invitation, by address. Both come from the
 * store's indexes a page at a time: neither reads every account.
 */
export function searchAccounts(s: SearchDeps) {
  return async (ctx: Context) => {
    const query = first(ctx.query.q).trim();
    // "Open invitations": every account whose welcome mail is pending or expired, instead of a text search.
    const openInvitations = first(ctx.query.invitations) === 'open';
    const page = Math.max(1, Math.min(Number.parseInt(first(ctx.query.page), 10) || 1, 10_000));
    const model = { title: 'admin.title' as const, query, results: [] as object[], total: 0, page, pages: 0 };
    if (!query && !openInvitations) return render(ctx, 'admin/admin-search', model);
    if ([...query].length > QUERY_MAX) return render(ctx, 'admin/admin-search', { ...model, query: '', errors: { q: 'common.too_long' } }, 400);

    const from = { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE };
    const found: { accounts: Account[]; total: number; more?: boolean } = openInvitations
      ? await s.accounts.openInvitations(from.offset, from.limit)
      : await s.accounts.search(query, { ...from, within: SEARCH_WITHIN });
    const link = (n: number) => `/admin?${new URLSearchParams({ ...(openInvitations ? { invitations: 'open' } : { q: query }), page: String(n) })}`;
    await render(ctx, 'admin/admin-search', {
      ...model,
      openInvitations,
      total: found.total,
      more: found.more ? SEARCH_WITHIN : 0,
      pages: Math.ceil(found.total / PAGE_SIZE),
      previous: page > 1 ? link(page - 1) : undefined,
      next: page * PAGE_SIZE < found.total ? link(page + 1) : undefined,
      results: found.accounts.map((a) => ({
        id: a.id,
        name: a.name,
        email: a.email,
        disabled: a.disabled,
        roles: a.roles ?? [],
        invitation: a.invitation ? `admin.invitation.${invitationState(a.invitation)}` : '',
      })),
    });
  };
}
