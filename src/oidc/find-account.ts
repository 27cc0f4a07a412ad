import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from '../../adapters/types.ts';
import { emailVerified, nameClaims, type Account } from '../accounts/account.ts';
import { accountUsable, signedInBefore } from '../accounts/standing.ts';

/**
 * Tokens die with the account's standing: a disabled or ended account has no account for
 * refresh, userinfo or code exchange, nor has a code or refresh token from a
 * sign-in before the account's sessions were ended (reset-mfa, disable, new
 * password). Access tokens carry no sign-in time: ending sessions revokes their
 * grants instead (accounts/grants.ts), which userinfo and introspection check.
 */
export function accountFinder(accounts: Pick<AccountStore<Account>, 'findById'>): FindAccount {
  return async (_ctx, id, token) => {
    const record = await accounts.findById(id);
    if (!record) return undefined;
    if (token && !accountUsable(record)) return undefined;
    const authTime = (token as { authTime?: number } | undefined)?.authTime;
    if (authTime !== undefined && signedInBefore(authTime, record)) return undefined;
    return {
      accountId: id,
      record,
      claims: () => ({
        sub: id,
        email: record.email,
        email_verified: emailVerified(record),
        name: record.name,
        ...nameClaims(record),
        locale: record.locale,
      }),
    };
  };
}

/**
 * Introspection, for a client's own tokens only, says inactive for a token of an
 * account that may not be used now (an end date passed before the job disabled it).
 */
export function introspectionAllowed(accounts: Pick<AccountStore<Account>, 'findById'>) {
  return async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string; accountId?: string }): Promise<boolean> =>
    token.clientId === client.clientId && (!token.accountId || accountUsable(await accounts.findById(token.accountId)));
}

/** The account document findAccount loaded for this request, as it is now. */
export const accountRecord = (ctx: KoaContextWithOIDC) => (ctx.oidc.account as unknown as { record?: Account } | undefined)?.record;
