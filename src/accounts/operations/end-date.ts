import type { Account } from '../account.ts';
import type { EndSessionsDeps } from '../sessions-ended.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type AccountDeps, type Actor } from '../events.ts';
import { writeDisabled } from './lifecycle.ts';

/** Past its end date: the account is disabled as by `accounts disable` (sessions, tokens and links end), recorded as its end. */
export async function endAccount(s: EndSessionsDeps, actor: Actor, account: Account): Promise<void> {
  const { account: disabled, ended } = await writeDisabled(s, account.id);
  if (disabled) await recordEvent(s, actor, account.id, 'endAccount', { endDate: account.endDate, ...ended });
}

/** The reminder mail for this end date went out: once per end date. */
export async function remindOfEnd(s: AccountDeps, actor: Actor, account: Account): Promise<void> {
  const reminded = await updateAccount(accountsOf(s.store), account.id, (a) => {
    a.endDateReminded = account.endDate;
  });
  if (reminded) await recordEvent(s, actor, account.id, 'remindOfEnd', { endDate: account.endDate });
}

/** Written again unchanged: the store gives the account the end check its fields call for now; true when that moved it. */
export async function rescheduleEndCheck(s: Pick<AccountDeps, 'store'>, account: Account): Promise<boolean> {
  return (await updateAccount(accountsOf(s.store), account.id, () => {}, account))?.endCheckAt !== account.endCheckAt;
}
