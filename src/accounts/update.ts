import { StaleAccountError, type AccountStore } from '../../adapters/types.ts';
import type { Account } from './account.ts';

/** Read, change, write — again from a fresh read when another writer got there first. */
export async function updateAccount(
  accounts: AccountStore<Account>,
  id: string,
  change: (account: Account) => void,
): Promise<Account | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = await accounts.findById(id);
    if (!account) return undefined;
    change(account);
    try {
      return await accounts.save(account);
    } catch (err) {
      if (!(err instanceof StaleAccountError)) throw err;
    }
  }
  throw new StaleAccountError(id);
}
