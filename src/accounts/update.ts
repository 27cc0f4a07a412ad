import { StaleAccountError, type AccountStore, type Store } from '../../adapters/types.ts';
import type { Account } from './account.ts';
import { nowSeconds } from '../clock.ts';

/** The store's accounts, typed as this service's account documents. */
export const accountsOf = (store: Store) => store.accounts as AccountStore<Account>;

/**
 * Read, change, write — again from a fresh read when another writer got there
 * first. `loaded` is the account as this request already read it: the first
 * try changes a copy of it instead of reading again (its version still guards the write).
 */
export async function updateAccount(
  accounts: AccountStore<Account>,
  id: string,
  change: (account: Account) => void,
  loaded?: Account,
): Promise<Account | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = attempt === 0 && loaded?.id === id ? structuredClone(loaded) : await accounts.findById(id);
    if (!account) return undefined;
    change(account);
    account.modifiedAt = nowSeconds();
    try {
      return await accounts.save(account);
    } catch (err) {
      if (!(err instanceof StaleAccountError)) throw err;
    }
  }
  throw new StaleAccountError(id);
}
