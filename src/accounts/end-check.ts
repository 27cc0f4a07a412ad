import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from './account.ts';
import { nextEndCheck } from './end-date.ts';

/** The account with the time its end date next needs the account-end job (endCheckAt), as its fields say now. */
function withEndCheck(account: Account): Account {
  const { endCheckAt: _stamped, ...rest } = account;
  const at = nextEndCheck(account);
  return at === undefined ? rest : { ...rest, endCheckAt: at };
}

/**
 * The store as the application writes to it: every account written carries its next
 * end check, whoever writes it (sign-in, My account, console, CLI, SCIM, the job), so
 * that the store's schedule (AccountStore.endChecksDue) follows every change of an end
 * date, of what was done about it, and of the account's state. Made once, in app.ts.
 */
export function scheduleEndChecks(store: Store): Store {
  const accounts = store.accounts as AccountStore<Account>;
  const scheduled: AccountStore<Account> = {
    ...accounts,
    create: (account) => accounts.create(withEndCheck(account)),
    save: (account) => accounts.save(withEndCheck(account)),
  };
  return { ...store, accounts: scheduled as unknown as AccountStore };
}

/** The account as this release writes it, when the stored one lacks its next end check (written by a release before the schedule). */
const upgrade = (account: Account) => {
  const stamped = withEndCheck(account);
  return stamped.endCheckAt === account.endCheckAt ? undefined : stamped;
};

const PROGRESS_EVERY = 10_000;

/**
 * Builds the store's account indexes (AccountStore.reindex) and the schedule of
 * accounts written by a release before them: at start-up only those, from the CLI
 * (`all`) every account. `progress` hears the count every 10,000 accounts.
 */
export function reindexAccounts(store: Store, all: boolean, progress: (indexed: number) => void): Promise<number> {
  let reported = 0;
  const heard = (indexed: number) => {
    if (indexed - reported < PROGRESS_EVERY) return;
    reported = indexed;
    progress(indexed);
  };
  return (store.accounts as AccountStore<Account>).reindex({ all, progress: heard, upgrade });
}
