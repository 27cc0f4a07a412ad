import type { Logger } from '../log.ts';

type DeliveryOutcome = 'delivered' | 'retried' | 'failed' | 'dropped';

/** After a failed attempt, the next one waits this long; after the last, the delivery is given up. */
const RETRY_DELAYS_MS = [2_000, 10_000, 60_000];

interface DeliveryOptions {
  log: Logger;
  count: (outcome: DeliveryOutcome) => void;
  retryDelaysMs?: number[];
}

export interface LogoutDeliveries {
  /** Queues a delivery: `attempt` posts one logout token and rejects when the application did not take it. */
  send(clientId: string, attempt: () => Promise<void>): void;
  /** Resolves once every delivery queued so far has been delivered or given up (the CLI waits for this). */
  drained(): Promise<void>;
  /** Gives up the retries still waiting, and waits for attempts in flight (each bounded by its timeout). */
  close(): Promise<void>;
}

/**
 * Back-channel logout tokens on their way to the applications, off the request
 * path: the first attempt right after the response, then retries with growing
 * pauses while an application is down. Kept in this process only: a restart
 * drops the retries still waiting (they are logged as dropped when the process
 * closes). What is logged names the application and the error, never the token.
 */
export function createLogoutDeliveries(o: DeliveryOptions): LogoutDeliveries {
  const delays = o.retryDelaysMs ?? RETRY_DELAYS_MS;
  const inFlight = new Set<Promise<void>>();
  const waiting = new Map<NodeJS.Timeout, () => void>();
  const settledWaiters = new Set<() => void>();
  let closed = false;

  const idle = () => !inFlight.size && !waiting.size;
  const notifyIfIdle = () => {
    if (!idle()) return;
    for (const resolve of settledWaiters) resolve();
    settledWaiters.clear();
  };

  const run = (clientId: string, attempt: () => Promise<void>, tries: number) => {
    const job: Promise<void> = attempt().then(
      () => o.count('delivered'),
      (err: unknown) => failed(clientId, attempt, tries, err),
    ).finally(() => { inFlight.delete(job); notifyIfIdle(); });
    inFlight.add(job);
  };

  const failed = (clientId: string, attempt: () => Promise<void>, tries: number, err: unknown) => {
    const reason = errorText(err);
    if (tries > delays.length || closed) {
      o.count('failed');
      o.log.error({ clientId, attempts: tries, reason }, 'back-channel logout not delivered; gave up');
      return;
    }
    o.count('retried');
    o.log.warn({ clientId, attempts: tries, reason }, 'back-channel logout not delivered; will retry');
    const timer = setTimeout(() => { waiting.delete(timer); run(clientId, attempt, tries + 1); }, delays[tries - 1]);
    waiting.set(timer, () => o.log.warn({ clientId, attempts: tries }, 'back-channel logout dropped: the process is stopping'));
  };

  return {
    send(clientId, attempt) {
      if (closed) return;
      // setImmediate: the response that caused the logout goes out first.
      const start = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(clientId, attempt, 1));
      inFlight.add(start);
      void start.finally(() => inFlight.delete(start));
    },
    drained: () => (idle() ? Promise.resolve() : new Promise<void>((resolve) => settledWaiters.add(resolve))),
    async close() {
      closed = true;
      for (const [timer, dropped] of waiting) {
        clearTimeout(timer);
        dropped();
        o.count('dropped');
      }
      waiting.clear();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      notifyIfIdle();
    },
  };
}

/** The failure as a short text: fetch names the network cause (ECONNREFUSED, a timeout) only in `cause`. */
function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return [e?.name === 'TimeoutError' ? 'timed out' : e?.message ?? String(err), cause].filter(Boolean).join(': ');
}
