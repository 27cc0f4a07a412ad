import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { hasSecondFactor, signedInBefore, type Account } from '../accounts/account.ts';
import { isMultiFactor } from './amr.ts';

const { base, Prompt, Check } = interactionPolicy;

/** A password step older than this, not followed by a second factor, must be done again. */
export const FIRST_FACTOR_MAX_AGE = 15 * 60;

const record = (ctx: KoaContextWithOIDC) => (ctx.oidc.account as unknown as { record?: Account } | undefined)?.record;

/**
 * The outer state machine, run by oidc-provider on every authorization request
 * (prompt=none and single sign-on included):
 *   login → the password, by a usable account, recently;
 *   mfa   → a second factor enrolled, and verified in this session;
 *   consent (skipped for first-party clients, see grants.ts).
 * No code, token or usable session exists before all three pass.
 */
export function policy() {
  const prompts = base();
  const login = prompts.get('login')!;

  login.checks.add(new Check('account_unusable', 'the account is disabled or its sessions were ended', 'login_required', (ctx) => {
    const session = ctx.oidc.session!;
    if (!session.accountId) return Check.NO_NEED_TO_PROMPT;
    const account = record(ctx);
    return !account || account.disabled || signedInBefore(session.loginTs, account);
  }));

  login.checks.add(new Check('first_factor_stale', 'the password step must be repeated', 'login_required', (ctx) => {
    const session = ctx.oidc.session!;
    return !!session.accountId && !isMultiFactor(session.amr) && session.past(FIRST_FACTOR_MAX_AGE);
  }));

  const mfa = new Prompt(
    { name: 'mfa', requestable: false },
    new Check('mfa_enrolment_required', 'a second factor must be enrolled', (ctx) => {
      const account = record(ctx);
      return !!account && !hasSecondFactor(account);
    }),
    new Check('mfa_required', 'the second factor must be verified', (ctx) => !isMultiFactor(ctx.oidc.session!.amr)),
  );
  prompts.add(mfa, 1);
  return prompts;
}
