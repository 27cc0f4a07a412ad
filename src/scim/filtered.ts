import type { AccountStore } from '../../adapters/types.ts';
import { fold } from '../../adapters/shared/account-index.ts';
import type { Account } from '../accounts/account.ts';
import { isRemoved } from '../accounts/find.ts';
import { ScimError } from './errors.ts';
import { lookups, matches, type Filter, type Lookup } from './filter.ts';

/** Accounts a filtered list reads at most: beyond, the filter is refused (tooMany), never answered by reading more. */
const MAX_READ = 200;

const tooMany = (detail: string) => new ScimError(400, 'tooMany', detail);

const find = async (accounts: AccountStore<Account>, { index, value }: Lookup, limit: number): Promise<Account[]> => {
  if (index === 'externalId') return accounts.findByExternalId(value, limit);
  const found = index === 'id' ? (value.length <= 64 ? await accounts.findById(value) : undefined) : await accounts.findByEmail(value);
  return found ? [found] : [];
};

/** Listing order (folded address, then id), as unfiltered pages come. */
const byListing = (a: Account, b: Account) => Buffer.compare(Buffer.from(`${fold(a.email)}\u0000${a.id}`), Buffer.from(`${fold(b.email)}\u0000${b.id}`));

/**
 * Every account the filter matches, from the indexes its `eq` comparisons name
 * (filter.ts, lookups); removed accounts never. A filter no index answers would
 * read every account, and one whose lookups find more than MAX_READ would read
 * more than we do for one request: both are a 400 tooMany (RFC 7644 §3.12).
 */
export async function filtered(accounts: AccountStore<Account>, filter: Filter): Promise<Account[]> {
  const wanted = lookups(filter);
  if (!wanted) {
    throw tooMany(
      'the filter would read every account: filter with eq on userName, emails.value, externalId or id (also inside and, or); other conditions may be joined to one with and',
    );
  }
  const found = new Map<string, Account>();
  // One lookup after the other, each asking for no more than the reads left.
  for (const lookup of wanted) {
    for (const account of await find(accounts, lookup, MAX_READ + 1 - found.size)) found.set(account.id, account);
    if (found.size > MAX_READ) throw tooMany(`the filter matches more than ${MAX_READ} accounts; narrow it`);
  }
  return [...found.values()].filter((a) => !isRemoved(a) && matches(filter, a)).sort(byListing);
}
