import { DuplicateEmailError, StaleAccountError, StoreUnavailableError, type Store } from '../types.ts';

type AsyncMethod = (...args: never[]) => Promise<unknown>;

/** Contract answers pass through; anything else means the store could not do its work. */
function asStoreError(error: unknown): unknown {
  if (error instanceof DuplicateEmailError || error instanceof StaleAccountError) return error;
  if (error instanceof StoreUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`the store is unavailable: ${reason}`, { cause: error });
}

/** Every method of `target`, rejecting with StoreUnavailableError instead of a back end's own error. */
function guardMethods<T extends object>(target: T, onError: (error: unknown) => void): T {
  const guarded = Object.entries(target).map(([name, method]) => {
    if (typeof method !== 'function') return [name, method];
    const call = async (...args: never[]) => {
      try {
        return await (method as AsyncMethod).apply(target, args);
      } catch (error) {
        onError(error);
        throw asStoreError(error);
      }
    };
    return [name, call];
  });
  return Object.fromEntries(guarded) as T;
}

/**
 * The store as callers see it: one error type for "not now" (StoreUnavailableError,
 * with the back end's error as its cause), whichever back end and whichever part.
 * `onError` sees each original error first (after a timed-out command, the Redis
 * store asks its connections whether they are alive there).
 */
export function guardStore(store: Store, onError: (error: unknown) => void = () => {}): Store {
  return {
    ...store,
    accounts: guardMethods(store.accounts, onError),
    tokens: guardMethods(store.tokens, onError),
    replay: guardMethods(store.replay, onError),
    logoutOutbox: guardMethods(store.logoutOutbox, onError),
    history: guardMethods(store.history, onError),
    upstreamLinks: guardMethods(store.upstreamLinks, onError),
    oidcAdapter: (model) => guardMethods(store.oidcAdapter(model), onError),
    ping: guardMethods({ ping: store.ping }, onError).ping,
  };
}
