import type { Context, Middleware } from 'koa';
import type { Session } from 'oidc-provider';
import { hasSecondFactor, type Account } from '../../accounts/account.ts';
import { standingProblem } from '../../accounts/standing.ts';
import { firstFactorOf, isMultiFactor, PASSWORD_ONLY, type FirstFactor } from '../../oidc/amr.ts';
import type { Services } from '../../services.ts';
import { currentSignIn, toCurrentScreen, type Interaction, type SignIn } from '../interaction.ts';
import { sendJson } from '../../web/json.ts';
import { fromGuard, type Ctx, type State } from '../../request-state.ts';

/**
 * The sign-in at its second-factor step, read afresh on every request: the
 * account as it is now, the phase it is in (enrolling a first factor, verifying
 * one it has, or — when the application accepts only a passkey and the account
 * has none — adding a passkey after the second factor), the password step's
 * real time and what it was (the password, or an institution's login: #26),
 * and at the provider's mfa prompt its session.
 */
export interface MfaStep {
  interaction: Interaction;
  account: Account;
  phase: Phase;
  loginTs: number;
  firstFactor: FirstFactor;
  session?: Session;
}

type Phase = 'enrolling' | 'verifying' | 'adding-passkey';

/** What the sign-in has done so far: whose password, when, and how (amr). */
interface SoFar {
  accountId?: string;
  loginTs?: number;
  amr?: string[];
}

/**
 * Where a sign-in's password step is recorded. When it passed in this very
 * interaction (the login prompt), the second factor follows at once, without a
 * detour through the provider; the provider's policy still judges both steps
 * when the sign-in resumes, and a sign-in left here resumes at its mfa prompt.
 * At the mfa prompt, the provider's session holds it. Otherwise the sign-in is
 * at no second-factor step (undefined).
 */
function soFar({ interaction, session }: SignIn): SoFar | undefined {
  if (interaction.prompt.name === 'mfa') return session ? { accountId: session.accountId, loginTs: session.loginTs, amr: session.amr } : {};
  // Only a password step waits here: a result with both factors is a finished sign-in, waiting to resume.
  const passed = interaction.prompt.name === 'login' ? interaction.result?.login : undefined;
  return passed?.accountId && !isMultiFactor(passed.amr) ? { accountId: passed.accountId, loginTs: passed.ts, amr: passed.amr } : undefined;
}

/**
 * The phase follows from the account now, and from what this sign-in still lacks.
 * Adding a passkey comes only at the provider's mfa prompt, once both factors are
 * done and the provider says the application accepts nothing else.
 */
function phaseOf(account: Account, interaction: Interaction, amr: string[] | undefined): Phase {
  if (!hasSecondFactor(account)) return 'enrolling';
  const passkeyAsked = interaction.prompt.name === 'mfa' && interaction.prompt.reasons.includes('passkey_required');
  return passkeyAsked && isMultiFactor(amr) && !hasPasskey(account) ? 'adding-passkey' : 'verifying';
}

export const stepOf = (ctx: Ctx) => fromGuard(ctx, 'mfaStep');

type MfaStepDeps = Pick<Services, 'provider' | 'accounts' | 'audit'>;

/**
 * Loads the step, or answers the request itself: a sign-in at no second-factor
 * step goes to its current screen; one that no longer stands (account disabled,
 * sessions ended since the password step, password step too old) is handed
 * back to the provider, whose policy asks for the password again.
 */
export async function loadMfaStep(ctx: Context, s: MfaStepDeps, loaded?: SignIn, json = false): Promise<MfaStep | undefined> {
  const signIn = loaded ?? (await currentSignIn(ctx, s.provider));
  const { interaction } = signIn;
  const done = soFar(signIn);
  if (!done) return void toCurrentScreen(ctx, interaction.uid, json);
  const account = done.accountId ? await s.accounts.findById(done.accountId) : undefined;
  const problem = done.accountId ? standingProblem(account, { loginTs: done.loginTs, multiFactor: isMultiFactor(done.amr) }) : 'sessions_ended';
  if (problem || !account || !done.loginTs) {
    s.audit('login.restarted', { accountId: done.accountId, reason: problem ?? 'no_session', step: ctx.path.split('/').slice(3).join('/') });
    if (json) return void sendJson(ctx, { error: 'sign_in_restart' }, 401);
    ctx.status = 303;
    return void ctx.redirect(interaction.returnTo);
  }
  return {
    interaction,
    account,
    phase: phaseOf(account, interaction, done.amr),
    loginTs: done.loginTs,
    firstFactor: firstFactorOf(done.amr),
    session: signIn.session,
  };
}

/** Whether the sign-in is at its second-factor step (else at its password step, or past both). */
export const atSecondFactor = (signIn: SignIn) => soFar(signIn) !== undefined;

/** The step right after a password step that passed in this request, for the account as just read. */
export const stepAfterPassword = (interaction: Interaction, account: Account, loginTs: number): MfaStep => ({
  interaction,
  account,
  phase: phaseOf(account, interaction, PASSWORD_ONLY.amr),
  loginTs,
  firstFactor: 'pwd',
});

/**
 * Route guard: the mfa step in this phase (and, for verifying, with the factor
 * `has` asks for); anything else is sent to the sign-in's current screen.
 */
export function atMfa(s: MfaStepDeps, phase: Phase, has: (a: Account) => boolean = () => true, options: { json?: boolean } = {}): Middleware<State> {
  return async (ctx, next) => {
    const step = await loadMfaStep(ctx, s, undefined, options.json);
    if (!step) return;
    if (step.phase !== phase || !has(step.account)) return toCurrentScreen(ctx, step.interaction.uid, !!options.json);
    ctx.state.mfaStep = step;
    await next();
  };
}

export const hasTotp = (a: Account) => a.totp.length > 0;
export const hasPasskey = (a: Account) => a.passkeys.length > 0;
