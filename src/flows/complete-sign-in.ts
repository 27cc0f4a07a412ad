import type { Context } from 'koa';
import type { Services } from '../services.ts';
import { recordSignIn } from '../accounts/operations/sessions.ts';
import type { Account } from '../accounts/account.ts';
import { nowSeconds } from '../clock.ts';
import { rememberDevice } from '../security/known-device.ts';
import { handBack, type Interaction } from './interaction.ts';
import { signInAcr } from '../oidc/profile/assurance.ts';

type CompleteSignInDeps = Pick<Services, 'audit' | 'store' | 'config' | 'accounts'>;

/**
 * Completes a sign-in (both factors done): hands the result back to the
 * provider and returns where the browser goes next. `loginTs` is when the
 * sign-in's first step passed (the password step), never later: the policy's
 * session checks compare against it. The browser becomes a known device of the
 * account and the sign-in is listed in the account's recent sign-ins, both
 * written alongside the result: one round trip to the store, and no write left
 * after the answer for the resume's first read to wait behind (#27).
 * The `acr` is the profile's for this way of signing in (assurance.ts).
 */
export async function completeSignIn(
  ctx: Context,
  s: CompleteSignInDeps,
  interaction: Interaction,
  account: Account,
  how: { amr: string[]; acr: string },
  loginTs: number,
): Promise<string> {
  const accountId = account.id;
  const entry = { at: nowSeconds(), method: how.amr.join('+'), ip: ctx.ip };
  s.audit('login.success', { accountId, amr: how.amr, ip: ctx.ip });
  const [returnTo] = await Promise.all([
    handBack(interaction, { login: { accountId, amr: how.amr, acr: signInAcr(s.config.profile, how), ts: loginTs, remember: true } }),
    rememberDevice(ctx, s.store.tokens, accountId, s.config.issuer.startsWith('https:')),
    recordSignIn(s, accountId, entry, account),
  ]);
  return returnTo;
}
