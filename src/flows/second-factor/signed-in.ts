import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { Services } from '../../services.ts';
import { updateAccount } from '../../accounts/update.ts';
import type { Account } from '../../accounts/account.ts';
import { nowSeconds } from '../../clock.ts';
import { rememberDevice } from '../../security/known-device.ts';

const KEEP = 10;

type SignedInDeps = Pick<Services, 'audit' | 'store' | 'config' | 'background' | 'accounts'>;

/**
 * The interaction result that completes a sign-in (both factors done). `loginTs`
 * is when the sign-in's first step passed (the password step), never later: the
 * policy's session checks compare against it. The browser becomes a known
 * device of the account; the sign-in is recorded in its recent sign-ins after
 * the response.
 */
export async function signedIn(ctx: Context, s: SignedInDeps, account: Account, how: { amr: string[]; acr: string }, loginTs: number): Promise<InteractionResults> {
  const accountId = account.id;
  const entry = { at: nowSeconds(), method: how.amr.join('+'), ip: ctx.ip };
  s.audit('login.success', { accountId, amr: how.amr, ip: ctx.ip });
  await rememberDevice(ctx, s.store.tokens, accountId, s.config.issuer.startsWith('https:'));
  s.background('record sign-in', async () => {
    await updateAccount(s.accounts, accountId, (a) => { a.recentSignIns = [entry, ...a.recentSignIns].slice(0, KEEP); }, account);
  });
  return { login: { accountId, ...how, ts: loginTs, remember: true } };
}
