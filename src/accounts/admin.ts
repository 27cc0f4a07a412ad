import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from './account.ts';
import { nowSeconds, updateAccount } from './update.ts';

const accountsOf = (store: Store) => store.accounts as AccountStore<Account>;

/** From now on, every earlier session and token of the account is void (see Account.sessionsValidAfter). */
export const endOfEarlierSessions = () => nowSeconds() + 1;

/**
 * Ends every session and token of the account at once: the provider's login
 * check and findAccount refuse anything from a sign-in before this moment.
 */
export async function endSessions(store: Store, id: string): Promise<void> {
  await updateAccount(accountsOf(store), id, (a) => { a.sessionsValidAfter = endOfEarlierSessions(); });
}

export async function setDisabled(store: Store, id: string, disabled: boolean): Promise<void> {
  await updateAccount(accountsOf(store), id, (a) => {
    a.disabled = disabled;
    if (disabled) a.sessionsValidAfter = endOfEarlierSessions();
  });
}

/** Removes every second factor; the next login must enrol again (after the password). */
export async function resetSecondFactors(store: Store, id: string): Promise<void> {
  await updateAccount(accountsOf(store), id, (a) => {
    a.totp = [];
    a.passkeys = [];
    a.recoveryCodes = [];
    a.sessionsValidAfter = endOfEarlierSessions();
  });
}
