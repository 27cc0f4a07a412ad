import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { hasSecondFactor } from '../accounts/account.ts';
import { standingProblem, type StandingProblem } from '../accounts/standing.ts';
import { isMultiFactor, isPhishingResistant, onlyPhishingResistant } from './amr.ts';
import { accountRecord } from './find-account.ts';

const { base, Prompt, Check } = interactionPolicy;

/** The session's sign-in against the account as it is now (see accounts/standing.ts). */
function sessionProblem(ctx: KoaContextWithOIDC): StandingProblem | undefined {
  const session = ctx.oidc.session!;
  if (!session.accountId) return undefined;
  return standingProblem(accountRecord(ctx), { loginTs: session.loginTs, multiFactor: isMultiFactor(session.amr) });
}

/** The application accepts only a phishing-resistant sign-in, and the session's is not. */
const phishingResistanceMissing = (ctx: KoaContextWithOIDC) =>
  onlyPhishingResistant(ctx.oidc.claims?.id_token?.acr as never) && !isPhishingResistant(ctx.oidc.session!.acr);

/**
 * A passkey the account gained after the session's sign-in (added during it, or
 * on My account since) counts from the next sign-in: for an application that
 * accepts only a passkey, the user signs in again, with it. (Times are whole
 * seconds: a passkey added in the second a sign-in began counts as newer, and
 * that sign-in is asked again — the safe way round.)
 */
function passkeyNewerThanSession(ctx: KoaContextWithOIDC): boolean {
  const session = ctx.oidc.session!;
  const account = accountRecord(ctx);
  return !!session.accountId && !!account && phishingResistanceMissing(ctx) && account.passkeys.some((p) => p.createdAt >= (session.loginTs ?? 0));
}

/**
 * The outer state machine, run by oidc-provider on every authorization request
 * (prompt=none and single sign-on included):
 *   login → the password, by a usable account, recently — again when the
 *           application accepts only a phishing-resistant sign-in and the
 *           account's passkey is newer than the session's sign-in;
 *   mfa   → a second factor enrolled, and verified in this session — a passkey
 *           the account had before the sign-in, when the application accepts
 *           only a phishing-resistant sign-in;
 *   consent (skipped for first-party clients, see grants.ts).
 * No code, token or usable session exists before all three pass. The steps
 * of the mfa prompt ask the same standing question on every request
 * (flows/second-factor/mfa-step.ts).
 */
export function policy() {
  const prompts = base();
  const login = prompts.get('login')!;

  login.checks.add(
    new Check('account_unusable', 'the account is disabled or its sessions were ended', 'login_required', (ctx) => {
      const problem = sessionProblem(ctx);
      return problem === 'account_unusable' || problem === 'sessions_ended';
    }),
  );
  // What an application asks of the acr is answered at the mfa prompt (passkey_required):
  // asking for a passkey must not throw away the password step.
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(
    new Check('first_factor_stale', 'the password step must be repeated', 'login_required', (ctx) => sessionProblem(ctx) === 'first_factor_stale'),
  );
  login.checks.add(new Check('sign_in_with_new_passkey', 'the passkey counts from the next sign-in', 'login_required', passkeyNewerThanSession));

  const mfa = new Prompt(
    { name: 'mfa', requestable: false },
    new Check('mfa_enrolment_required', 'a second factor must be enrolled', (ctx) => {
      const account = accountRecord(ctx);
      return !!account && !hasSecondFactor(account);
    }),
    new Check('mfa_required', 'the second factor must be verified', (ctx) => !isMultiFactor(ctx.oidc.session!.amr)),
    new Check('passkey_required', 'the application accepts only a phishing-resistant sign-in', phishingResistanceMissing),
  );
  prompts.add(mfa, 1);
  return prompts;
}
