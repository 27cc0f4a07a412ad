import { nowSeconds } from '../clock.ts';
import type { Account } from './account.ts';
import { endDatePassed } from './end-date.ts';
import { isRemoved } from './find.ts';

/** A password step older than this, not followed by a second factor, must be done again. */
export const FIRST_FACTOR_MAX_AGE = 15 * 60;

/** What a sign-in in progress (or a session) knows of itself. */
interface SignInState {
  loginTs?: number;
  multiFactor: boolean;
}

export type StandingProblem = 'account_unusable' | 'sessions_ended' | 'first_factor_stale';

/**
 * Whether the account may be used at all: it exists (was not removed), is not
 * disabled, and its end date has not passed — also in the minutes before the
 * end-date job disables it.
 */
export function accountUsable(account: Account | undefined, now = nowSeconds()): boolean {
  return !!account && !isRemoved(account) && !account.disabled && !endDatePassed(account, now);
}

/**
 * Whether a sign-in still stands, judged against the account as it is now:
 * the account usable (accountUsable), the password step not older than the account's last
 * session reset (password set, sign-out everywhere, disable, reset-mfa), and,
 * until the second factor is done, not older than FIRST_FACTOR_MAX_AGE.
 * The provider's policy and every step of the sign-in ask this same question.
 */
export function standingProblem(account: Account | undefined, signIn: SignInState, now = nowSeconds()): StandingProblem | undefined {
  if (!account || !accountUsable(account, now)) return 'account_unusable';
  if (signedInBefore(signIn.loginTs, account)) return 'sessions_ended';
  if (!signIn.multiFactor && now - (signIn.loginTs ?? 0) > FIRST_FACTOR_MAX_AGE) return 'first_factor_stale';
  return undefined;
}

export function signedInBefore(signInSeconds: number | undefined, account: Pick<Account, 'sessionsValidAfter'>): boolean {
  return (signInSeconds ?? 0) < account.sessionsValidAfter;
}

/** When a sign-in whose password step passes now counts as having happened: never before the account's last reset. */
export function signInTime(account: Pick<Account, 'sessionsValidAfter'>): number {
  return Math.max(nowSeconds(), account.sessionsValidAfter);
}
