import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { Services } from '../../services.ts';
import { nowSeconds, updateAccount } from '../../accounts/update.ts';
import { signInTime, type Account } from '../../accounts/account.ts';

const KEEP = 10;

/**
 * The interaction result that completes a sign-in (both factors done). Also
 * records it in the account's recent sign-ins, after the response.
 */
export function signedIn(ctx: Context, s: Services, account: Account, how: { amr: string[]; acr: string }): InteractionResults {
  const accountId = account.id;
  const entry = { at: nowSeconds(), method: how.amr.join('+'), ip: ctx.ip };
  s.audit('login.success', { accountId, amr: how.amr, ip: ctx.ip });
  s.background('record sign-in', async () => {
    await updateAccount(s.accounts, accountId, (a) => { a.recentSignIns = [entry, ...a.recentSignIns].slice(0, KEEP); });
  });
  return { login: { accountId, ...how, ts: signInTime(account), remember: true } };
}
