import type { DatabaseSync } from 'node:sqlite';
import type { AccountStore } from '../types.ts';
import { MAX_TERM_LENGTH, matchesSearch, prefixEnd, searchPage, searchText, type TermMatch } from '../shared/account-index.ts';
import { listCursor, parseListCursor } from '../shared/list-cursor.ts';
import { toAccount, toAccounts } from './account-row.ts';

type Queries = Pick<AccountStore, 'findByExternalId' | 'countListed' | 'listed' | 'search' | 'openInvitations' | 'endChecksDue'>;

/** Each query reads one of the indexes (account-index.ts), a page at a time. */
export function sqliteAccountQueries(db: DatabaseSync): Queries {
  const byExternalId = db.prepare('SELECT version, document FROM accounts WHERE external_id = :externalId LIMIT :limit');
  const count = db.prepare("SELECT n FROM account_counts WHERE what = 'listed'");
  // Only the index is stepped through up to the offset (it covers list_key and id); the page's documents are read by id.
  const listFrom = db.prepare(`SELECT list_key, id FROM accounts WHERE list_key IS NOT NULL
    ORDER BY list_key, id LIMIT :limit OFFSET :offset`);
  const listAfter = db.prepare(`SELECT version, document, list_key, id FROM accounts WHERE list_key IS NOT NULL
    AND (list_key, id) > (:listKey, :id) ORDER BY list_key, id LIMIT :limit`);
  const terms = db.prepare(`SELECT term, account_id AS id FROM account_terms WHERE term >= :from AND term < :to
    ORDER BY term, account_id LIMIT :limit`);
  const byId = db.prepare('SELECT version, document FROM accounts WHERE id = :id');
  const invited = db.prepare('SELECT version, document FROM accounts WHERE invited = 1 ORDER BY list_key, id LIMIT :limit OFFSET :offset');
  const invitedCount = db.prepare('SELECT COUNT(*) AS n FROM accounts WHERE invited = 1');
  const due = db.prepare('SELECT version, document FROM accounts WHERE end_check_at <= :now ORDER BY end_check_at, id LIMIT :limit OFFSET :offset');

  return {
    async findByExternalId(externalId, limit) {
      return toAccounts(byExternalId.all({ externalId, limit }));
    },
    async countListed() {
      return Number((count.get() as { n: number }).n);
    },
    async listed(from, limit) {
      const rows = (
        'after' in from
          ? listAfter.all({ ...parseListCursor(from.after), limit })
          : listFrom.all({ offset: from.offset, limit }).map((row) => ({ ...byId.get({ id: (row as { id: string }).id }), ...row }))
      ) as { list_key: string; id: string }[];
      const last = rows.at(-1);
      return { accounts: toAccounts(rows), ...(rows.length === limit && last ? { next: listCursor(last.list_key, last.id) } : {}) };
    },
    async search(text, page) {
      const wanted = searchText(text).slice(0, MAX_TERM_LENGTH);
      if (!wanted) return { accounts: [], total: 0, more: false };
      const matches = terms.all({ from: wanted, to: prefixEnd(wanted), limit: page.within + 1 }) as unknown as TermMatch[];
      const { ids, total, more } = searchPage(matches, page);
      const accounts = ids.map((id) => toAccount(byId.get({ id }))).filter((a) => a !== undefined && matchesSearch(a, text));
      return { accounts: accounts as NonNullable<(typeof accounts)[number]>[], total, more };
    },
    async openInvitations(offset, limit) {
      return { accounts: toAccounts(invited.all({ offset, limit })), total: Number((invitedCount.get() as { n: number }).n) };
    },
    async endChecksDue(now, offset, limit) {
      return toAccounts(due.all({ now, offset, limit }));
    },
  };
}
