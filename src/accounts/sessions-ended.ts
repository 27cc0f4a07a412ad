import type { Store } from '../../adapters/types.ts';
import type { GrantRef } from './account.ts';

/** Told which grants of an account ended, after the account's sessions were ended. */
type SessionsEndedListener = (accountId: string, ended: GrantRef[]) => void;

const listeners = new WeakMap<Store, SessionsEndedListener>();

/**
 * Who must hear that an account's sessions ended: the applications it was
 * signed in to, through the provider's back-channel logout (app.ts registers
 * it for the store it serves). Kept beside the store rather than passed to
 * every operation, so that each caller of endSessions — My account, the CLI,
 * a set-password link, provisioning — signs the user out of every application
 * without having to remember to.
 */
export function onSessionsEnded(store: Store, listener: SessionsEndedListener): void {
  listeners.set(store, listener);
}

export function announceSessionsEnded(store: Store, accountId: string, ended: GrantRef[]): void {
  if (ended.length) listeners.get(store)?.(accountId, ended);
}
