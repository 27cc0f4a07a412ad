import type { Context, Middleware } from 'koa';
import { hasSecondFactor, type Account } from '../../accounts/account.ts';
import { standingProblem } from '../../accounts/standing.ts';
import { isMultiFactor } from '../../oidc/amr.ts';
import type { Services } from '../../services.ts';
import { currentInteraction, toCurrentScreen, type Interaction } from '../interaction.ts';
import { sendJson } from '../../web/json.ts';

/**
 * The sign-in at the provider's mfa prompt, read afresh on every request: the
 * account as it is now, the phase it is in (enrolling a first factor, verifying
 * one it has, or — when the application accepts only a passkey and the account
 * has none — adding a passkey after the second factor), and the password step's
 * real time.
 */
export interface MfaStep { interaction: Interaction; account: Account; phase: Phase; loginTs: number }

type Phase = 'enrolling' | 'verifying' | 'adding-passkey';

/** The phase follows from the account now, and from what this sign-in still lacks. */
function phaseOf(account: Account, interaction: Interaction, multiFactor: boolean): Phase {
  if (!hasSecondFactor(account)) return 'enrolling';
  const passkeyAsked = interaction.prompt.reasons.includes('passkey_required');
  return passkeyAsked && multiFactor && !hasPasskey(account) ? 'adding-passkey' : 'verifying';
}

export const stepOf = (ctx: Context) => ctx.state.mfaStep as MfaStep;

type MfaStepDeps = Pick<Services, 'provider' | 'accounts' | 'audit'>;

/**
 * Loads the step, or answers the request itself: a sign-in at another prompt
 * goes to its current screen; one that no longer stands (account disabled,
 * sessions ended since the password step, password step too old) is handed
 * back to the provider, whose policy asks for the password again.
 */
export async function loadMfaStep(ctx: Context, s: MfaStepDeps, loaded?: Interaction, json = false): Promise<MfaStep | undefined> {
  const interaction = loaded ?? (await currentInteraction(ctx, s.provider));
  if (interaction.prompt.name !== 'mfa') return void toCurrentScreen(ctx, interaction.uid, json);
  const session = interaction.session?.cookie ? await s.provider.Session.find(interaction.session.cookie) : undefined;
  const account = session?.accountId ? await s.accounts.findById(session.accountId) : undefined;
  const problem = session ? standingProblem(account, { loginTs: session.loginTs, multiFactor: isMultiFactor(session.amr) }) : 'sessions_ended';
  if (problem || !account || !session?.loginTs) {
    s.audit('login.restarted', { accountId: session?.accountId, reason: problem ?? 'no_session', step: ctx.path.split('/').slice(3).join('/') });
    if (json) return void sendJson(ctx, { error: 'sign_in_restart' }, 401);
    ctx.status = 303;
    return void ctx.redirect(interaction.returnTo);
  }
  return { interaction, account, phase: phaseOf(account, interaction, isMultiFactor(session.amr)), loginTs: session.loginTs };
}


/**
 * Route guard: the mfa step in this phase (and, for verifying, with the factor
 * `has` asks for); anything else is sent to the sign-in's current screen.
 */
export function atMfa(s: MfaStepDeps, phase: Phase, has: (a: Account) => boolean = () => true, options: { json?: boolean } = {}): Middleware {
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
