import type { Store } from '../../adapters/types.ts';
import type { Metrics } from './metrics.ts';

/** Times one call; failures (a thrown error or a rejected promise) are counted too. */
function timed(metrics: Metrics, operation: string, call: () => unknown): unknown {
  const end = metrics.storeDuration.startTimer({ operation });
  const failed = (error: unknown) => {
    metrics.storeErrors.inc({ operation });
    throw error;
  };
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    end();
    return failed(error);
  }
  if (!(result instanceof Promise)) {
    end();
    return result;
  }
  return result.then((value) => value, failed).finally(end);
}

/** Every method of the object, timed under `<area>.<method>`; other properties untouched. */
function instrument<T extends object>(metrics: Metrics, area: string, target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => timed(metrics, `${area}.${property}`, () => value.apply(object, args));
    },
  });
}

/**
 * The store as the app sees it, with every operation measured: accounts.*,
 * tokens.*, replay.*, logoutOutbox.*, history.*, upstreamLinks.*, ping, and the provider's models as <Model>.<method>
 * (Session.find, AccessToken.upsert…). Wrapped here once, so that neither
 * back end nor any handler knows about metrics.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const parts = {
    accounts: instrument(metrics, 'accounts', store.accounts),
    tokens: instrument(metrics, 'tokens', store.tokens),
    replay: instrument(metrics, 'replay', store.replay),
    logoutOutbox: instrument(metrics, 'logoutOutbox', store.logoutOutbox),
    history: instrument(metrics, 'history', store.history),
    upstreamLinks: instrument(metrics, 'upstreamLinks', store.upstreamLinks),
    oidcAdapter: (model: string) => instrument(metrics, model, store.oidcAdapter(model)),
    ping: () => timed(metrics, 'ping', () => store.ping()) as Promise<void>,
  };
  return new Proxy(store, {
    get: (object, property, receiver) => (property in parts ? parts[property as keyof typeof parts] : Reflect.get(object, property, receiver)),
  });
}
