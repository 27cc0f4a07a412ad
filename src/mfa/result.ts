/**
 * What every credential check answers (password, code, recovery code, passkey):
 * ok with what it found, or why not. Checks never render, redirect or choose a
 * status; src/web/factor-failure.ts turns a failure into a message and status.
 * `expired`: what the code was to be checked against is gone — an authenticator
 * app's secret on offer that lapsed (mfa/totp/pending-secret.ts).
 */
export type FactorFailure = { kind: 'invalid' } | { kind: 'locked'; retryAfter: number } | { kind: 'expired' };
export type FactorResult<T extends object = object> = ({ kind: 'ok' } & T) | FactorFailure;

/**
 * Store work that follows a passed check (recording the step with the sign-in),
 * started together with the check's own last write, the point given back to the
 * limits, so that both take one round trip to the store instead of two.
 */
export type OnPass<A extends unknown[], T> = (...args: A) => Promise<T>;

export type CredentialType = 'password' | 'code' | 'recovery' | 'passkey';

/**
 * Where a factor is checked, as its audit events say (`via`, the word the
 * account operations use for who acts): a sign-in (the step-up to a passkey
 * included), the holder on My account, or staff in the console.
 */
export type Via = 'sign-in' | 'self' | 'console';
