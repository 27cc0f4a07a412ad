/**
 * What every credential check answers (password, code, recovery code, passkey):
 * ok with what it found, or why not. Checks never render, redirect or choose a
 * status; src/web/factor-failure.ts turns a failure into a message and status.
 */
export type FactorFailure = { kind: 'invalid' } | { kind: 'locked'; retryAfter: number };
export type FactorResult<T extends object = object> = ({ kind: 'ok' } & T) | FactorFailure;

export type CredentialType = 'password' | 'code' | 'recovery' | 'passkey';
