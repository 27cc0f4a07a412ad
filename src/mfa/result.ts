/**
 * What every credential check answers (password, code, recovery code, passkey):
 * ok with what it found, or why not. Checks never render, redirect or choose a
 * status; src/web/factor-failure.ts turns a failure into a message and status.
 */
export type FactorFailure = { kind: 'invalid' } | { kind: 'locked'; retryAfter: number };
export type FactorResult<T extends object = object> = ({ kind: 'ok' } & T) | FactorFailure;

/**
 * Store work that follows a passed check (recording the step with the sign-in),
 * started together with the check's own last write, the point given back to the
 * limits, so that both take one round trip to the store instead of two.
 */
export type OnPass<A extends unknown[], T> = (...args: A) => Promise<T>;

export type CredentialType = 'password' | 'code' | 'recovery' | 'passkey';
