import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { normalizeEmail } from '../../accounts/email.ts';
import { invitationState, type Account } from '../../accounts/account.ts';

const PAGE_SIZE = 20;
const QUERY_MAX = 200;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const hasOpenInvitation = (a: Account) => !!a.invitation && invitationState(a.invitation) !== 'accepted';
const matches = (needle: string) => (a: Account) => normalizeEmail(a.email).includes(needle) || normalizeEmail(a.name).includes(needle);

type SearchDeps = Pick<Services, 'accounts'>;

/**
 * Accounts whose address or name contains the query, 20 a page, by address.
 * Scaling limit: this reads every account (AccountStore.list) on each search,
 * fine for CBS's thousands of researchers; past ~100,000 accounts the stores
 * need a search index of their own.
 */
export function searchAccounts(s: SearchDeps) {
  return async (ctx: Context) => {
    const query = first(ctx.query.q).trim();
    // "Open invitations": every account whose welcome mail is pending or expired, instead of a text search.
    const openInvitations = first(ctx.query.invitations) === 'open';
    const page = Math.max(1, Math.min(Number.parseInt(first(ctx.query.page), 10) || 1, 10_000));
    const model = { title: 'admin.title' as const, query, results: [] as object[], total: 0, page, pages: 0 };
    if (!query && !openInvitations) return render(ctx, 'admin-search', model);
    if ([...query].length > QUERY_MAX) return render(ctx, 'admin-search', { ...model, query: '', errors: { q: 'common.too_long' } }, 400);

    const found = (await s.accounts.list()).filter(openInvitations ? hasOpenInvitation : matches(normalizeEmail(query))).sort((a, b) => a.email.localeCompare(b.email));
    const shown = found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const link = (n: number) => `/admin?${new URLSearchParams({ ...(openInvitations ? { invitations: 'open' } : { q: query }), page: String(n) })}`;
    await render(ctx, 'admin-search', {
      ...model,
      openInvitations,
      total: found.length,
      pages: Math.ceil(found.length / PAGE_SIZE),
      previous: page > 1 ? link(page - 1) : undefined,
      next: page * PAGE_SIZE < found.length ? link(page + 1) : undefined,
      results: shown.map((a) => ({ id: a.id, name: a.name, email: a.email, disabled: a.disabled, roles: a.roles ?? [], invitation: a.invitation ? `admin.invitation.${invitationState(a.invitation)}` : '' })),
    });
  };
}
