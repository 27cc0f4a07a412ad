import { Agent, fetch as undiciFetch } from 'undici';

/**
 * What the virtual users saw through the load balancer. An answer that carries
 * X-Backend-Server came from an instance; a 5xx without it was made by HAProxy
 * itself, because the instance holding the request went away.
 */
export interface Observed {
  answersByInstance: Map<string, number>;
  /** 5xx answered by an instance: the test allows none. */
  instanceErrors: string[];
  /** HAProxy's own 5xx or a dropped connection, and whether an instance had been SIGKILLed by then. */
  balancerErrors: { what: string; afterKill: boolean }[];
  killSent: boolean;
}

export function newObserved(): Observed {
  return { answersByInstance: new Map(), instanceErrors: [], balancerErrors: [], killSent: false };
}

/**
 * fetch for one virtual user: from its own loopback address (per-IP rate limits
 * see one client each), counting who answered. A request that hit the killed
 * instance is sent again, as a browser's user would press reload; nothing else is.
 */
export interface FetchHooks {
  killedHit(): void;
  answered(instance: string, what: string): void;
}

export function balancedFetch(observed: Observed, localAddress: string, hooks: FetchHooks): typeof fetch {
  const dispatcher = new Agent({ localAddress });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const what = `${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const res = await undiciFetch(input as string, { ...(init as object), dispatcher });
        const instance = res.headers.get('x-backend-server');
        if (instance) {
          observed.answersByInstance.set(instance, (observed.answersByInstance.get(instance) ?? 0) + 1);
          hooks.answered(instance, what);
        }
        // HAProxy sent it again after the instance holding it went away (retry-on empty-response).
        if (Number(res.headers.get('x-retries') ?? 0) > 0 && observed.killSent) hooks.killedHit();
        if (res.status < 500) return res as unknown as Response;
        if (instance) {
          observed.instanceErrors.push(`${res.status} from ${instance} on ${what}`);
          return res as unknown as Response;
        }
        failure = `${res.status} from the balancer on ${what}`;
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
        failure = `${(error as Error).message} (${cause?.code ?? cause?.message ?? 'no cause'}) on ${what}`;
      }
      observed.balancerErrors.push({ what: failure, afterKill: observed.killSent });
      if (!observed.killSent || attempt >= 3) throw new Error(failure);
      hooks.killedHit();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }) as typeof fetch;
}
