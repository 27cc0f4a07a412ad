import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { withSecondFactor, type SecondFactor } from '../../oidc/amr.ts';
import type { MfaStep } from './mfa-step.ts';
import { completeSignIn } from '../complete-sign-in.ts';

type EnrolledDeps = Pick<Services, 'audit' | 'store' | 'config' | 'background' | 'accounts'>;

/**
 * "Two-factor authentication successfully activated", OK — with, at the first
 * enrolment, the recovery codes (shown this once). OK completes the sign-in.
 */
export async function showEnrolled(ctx: Context, s: EnrolledDeps, step: MfaStep, factor: SecondFactor, codes?: string[]): Promise<void> {
  // The factor enrolled now proves no more than the password did: multi-factor, never phishing-resistant (amr.ts).
  const okUrl = await completeSignIn(ctx, s, step.interaction, step.account, withSecondFactor(step.firstFactor, factor, false), step.loginTs);
  await render(ctx, 'enrolled', { title: 'mfa.choose.title', step: 3, message: 'totp.activated', codes, okUrl });
}
