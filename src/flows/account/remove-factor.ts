import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { updateAccount } from '../../accounts/update.ts';

export type Removal = 'removed' | 'last' | 'unknown';

/**
 * Removes one authenticator app or passkey, but never the account's last second
 * factor (the next sign-in would otherwise start enrolment with only a password).
 * Decided on the fresh read inside the update, so two parallel removals cannot
 * together take away both of the last two.
 */
export async function removeSecondFactor(s: Services, accountId: string, kind: 'totp' | 'passkeys', id: string): Promise<{ result: Removal; account?: Account }> {
  let result: Removal = 'unknown';
  const account = await updateAccount(s.accounts, accountId, (a) => {
    const known = (a[kind] as { id: string }[]).some((f) => f.id === id);
    result = !known ? 'unknown' : a.totp.length + a.passkeys.length <= 1 ? 'last' : 'removed';
    if (result !== 'removed') return;
    if (kind === 'totp') a.totp = a.totp.filter((f) => f.id !== id);
    else a.passkeys = a.passkeys.filter((f) => f.id !== id);
  });
  return { result, account };
}
