import Provider from 'oidc-provider';

/**
 * What one provider request keeps for the store calls it makes (provider-store.ts):
 * writes sent along, reads started ahead, the ids of the sessions it found by uid.
 * Keyed by the request's context, so nothing outlives the request or leaves it.
 */
interface RequestScope {
  sent: Promise<unknown>[];
  ahead: Map<string, Promise<unknown>>;
  sessionIds: Map<string, string>;
}
const scopes = new WeakMap<object, RequestScope>();

/** The scope of the provider request being served, if any. */
export function requestScope(): RequestScope | undefined {
  const ctx = Provider.ctx;
  if (!ctx) return undefined;
  const scope = scopes.get(ctx) ?? { sent: [], ahead: new Map(), sessionIds: new Map() };
  scopes.set(ctx, scope);
  return scope;
}

/** Its failure is no unhandled rejection while it waits; whoever takes it still sees the failure. */
export function kept<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
