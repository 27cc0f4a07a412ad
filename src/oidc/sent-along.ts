import Provider from 'oidc-provider';
import type { Adapter, OidcAdapterFactory } from '../../adapters/types.ts';

/**
 * Store commands a provider request sent without waiting for their answer, by
 * request: they travel with the request's next store command, in one round
 * trip (ioredis sends the commands of one tick together, in order), and that
 * command waits for them too, so that one that fails fails it, and the request
 * answers as for any store failure (503). Nothing outlives its request.
 */
const unsettled = new WeakMap<object, Promise<unknown>[]>();

/**
 * Sends `command` along with the provider's next store command in this request
 * (see above), or, outside a provider request, waits for it here.
 */
export function sendAlong(command: Promise<unknown>): Promise<void> {
  const ctx = Provider.ctx;
  if (!ctx) return command.then(() => undefined);
  // Its failure is not unhandled in the meantime; the next store command still rejects with it.
  command.catch(() => {});
  unsettled.set(ctx, [...(unsettled.get(ctx) ?? []), command]);
  return Promise.resolve();
}

/** The provider's adapters, each of whose calls also waits for what this request sent along. */
export function waitingForSentAlong(factory: OidcAdapterFactory): OidcAdapterFactory {
  return (model) => {
    const adapter = factory(model);
    const waiting = (method: (...args: never[]) => Promise<unknown>) => (...args: never[]) => {
      const ctx = Provider.ctx;
      const sent = ctx && unsettled.get(ctx);
      if (!sent) return method.apply(adapter, args);
      unsettled.delete(ctx);
      return Promise.all([method.apply(adapter, args), ...sent]).then(([result]) => result);
    };
    return Object.fromEntries(Object.entries(adapter).map(([name, method]) => [name, waiting(method as never)])) as unknown as Adapter;
  };
}
