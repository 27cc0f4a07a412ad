import type { FindAccount } from 'oidc-provider';
import type { AccountStore } from '../../adapters/types.ts';
import { nameParts, signedInBefore, type Account } from '../accounts/account.ts';

export interface OidcAccount { accountId: string; record: Account }

/**
 * Tokens die with the account's standing: a disabled account, or one whose
 * sessions were ended (reset-mfa, disable, new password) after the sign-in the
 * token stems from, has no account for refresh, userinfo or code exchange.
 */
export function accountFinder(accounts: AccountStore<Account>): FindAccount {
  return async (_ctx, id, token) => {
    const record = await accounts.findById(id);
    if (!record) return undefined;
    if (token && (record.disabled || signedInBefore((token as { authTime?: number }).authTime, record))) return undefined;
    return {
      accountId: id,
      record,
      claims: () => ({
        sub: id,
        email: record.email,
        email_verified: true,
        name: record.name,
        ...nameParts(record.name),
        locale: record.locale,
      }),
    };
  };
}
