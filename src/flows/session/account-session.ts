import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { standingProblem } from '../../accounts/standing.ts';
import { isMultiFactor } from '../../oidc/amr.ts';
import type { AccountSession } from '../../mfa/reauth.ts';

type AccountSessionDeps = Pick<Services, 'provider' | 'accounts'>;

/**
 * The provider's own session, when it is a full sign-in (password and second
 * factor, or a passkey with user verification) of a usable account — the same
 * standing the provider's policy demands before it issues anything.
 */
export async function accountSession(ctx: Context, s: AccountSessionDeps): Promise<AccountSession | undefined> {
  const session = await s.provider.Session.get(ctx);
  if (!session.accountId || !isMultiFactor(session.amr)) return undefined;
  const account = await s.accounts.findById(session.accountId);
  if (!account || standingProblem(account, { loginTs: session.loginTs, multiFactor: true })) return undefined;
  return { session, account };
}
