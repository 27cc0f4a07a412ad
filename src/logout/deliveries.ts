import type { HeldLogoutNotice, LogoutNotice, LogoutOutbox } from '../../adapters/types.ts';
import type { Logger } from '../log.ts';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed';

/** After a failed attempt, the next one waits this long; after the last, the delivery is given up. */
const RETRY_DELAYS_MS = [2_000, 10_000, 60_000];
/** How long an attempt holds its notice: well past the 5 s an attempt may take; after it, another instance takes it. */
const HOLD_MS = 30_000;
/** Notices taken at once by one instance. */
const BATCH = 20;

interface DeliveryOptions {
  outbox: LogoutOutbox;
  /** Signs a fresh logout token for the notice and posts it; rejects when the application did not take it. */
  deliver: (notice: LogoutNotice) => Promise<void>;
  log: Logger;
  count: (outcome: DeliveryOutcome) => void;
  /**
   * A process that lives (the service) retries what is due, whoever queued it;
   * a short-lived one (the CLI) makes first attempts only, and reports them.
   */
  retries: boolean;
  retryDelaysMs?: number[];
}

/** How the first attempt of a delivery went (the CLI reports it). */
export interface FirstAttempt {
  clientId: string;
  delivered: boolean;
  reason?: string;
}

interface LogoutDeliveries {
  /** Stores the notice, then makes its first attempt right after the response that caused it. */
  send(notice: LogoutNotice): Promise<void>;
  /** Once no attempt is in flight. Without retries: how each first attempt went (the CLI reports them). */
  settled(): Promise<FirstAttempt[]>;
  /** Stops retrying and waits for the attempts in flight (each bounded by its timeout); what is due later stays in the store. */
  close(): Promise<void>;
}

/**
 * Back-channel logouts on their way to the applications, off the request path
 * and kept in the store (adapters' LogoutOutbox): the first attempt is made by
 * the process that caused the logout, retries by whichever running instance
 * finds them due, so neither a restart nor a redeploy drops one, and a CLI
 * command does not wait for them. What is stored is what re-signing needs
 * (application, subject, session id), never a token: each attempt signs a new
 * one. A delivery that keeps failing is given up after the last retry and
 * logged; what is logged names the application and the error, never the token.
 */
export function createLogoutDeliveries(o: DeliveryOptions): LogoutDeliveries {
  const delays = o.retryDelaysMs ?? RETRY_DELAYS_MS;
  const pollMs = Math.min(Math.max(Math.min(...delays) / 2, 10), 1_000);
  const inFlight = new Set<Promise<unknown>>();
  const reported: FirstAttempt[] = [];
  let closed = false;

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  /** One attempt of a held notice; what the store is told after it may fail (an outage): the hold then ends by itself. */
  const attempt = async (held: HeldLogoutNotice): Promise<FirstAttempt> => {
    const { clientId, attempt: tries } = held;
    try {
      await o.deliver(held);
      o.count('delivered');
      await o.outbox.remove(held.lease).catch((err: unknown) => o.log.error({ err, clientId }, 'back-channel logout delivered; the outbox could not be told'));
      return { clientId, delivered: true };
    } catch (err) {
      const reason = errorText(err);
      if (tries > delays.length) {
        o.count('failed');
        o.log.error({ clientId, attempts: tries, reason }, 'back-channel logout not delivered; gave up');
        await o.outbox
          .remove(held.lease)
          .catch((e: unknown) => o.log.error({ err: e, clientId }, 'back-channel logout given up; the outbox could not be told'));
      } else {
        o.count('retried');
        o.log.warn({ clientId, attempts: tries, reason }, 'back-channel logout not delivered; will retry');
        await o.outbox
          .postpone(held.lease, Date.now() + delays[tries - 1]!)
          .catch((e: unknown) => o.log.error({ err: e, clientId }, 'back-channel logout retry not scheduled; it is retried when its hold ends'));
      }
      return { clientId, delivered: false, reason };
    }
  };

  const retryDue = async () => {
    const now = Date.now();
    const due = await o.outbox.take(now, now + HOLD_MS, BATCH);
    await Promise.all(due.map(attempt));
  };
  let busy = false;
  // Logged once per outage, not at every poll.
  let unreadable = false;
  const poller = o.retries
    ? setInterval(() => {
        if (busy || closed) return;
        busy = true;
        void track(retryDue())
          .then(
            () => {
              if (unreadable) o.log.info('back-channel logout retries are read again');
              unreadable = false;
            },
            (err: unknown) => {
              if (!unreadable) o.log.error({ err }, 'back-channel logout retries not read: the store is unavailable');
              unreadable = true;
            },
          )
          .finally(() => {
            busy = false;
          });
      }, pollMs).unref()
    : undefined;

  return {
    async send(notice) {
      if (closed) return;
      let held: HeldLogoutNotice;
      try {
        held = await o.outbox.add(notice, Date.now() + HOLD_MS);
      } catch (err) {
        // Nothing is queued for a store that is gone: one attempt from here, and no retry.
        o.log.error({ err, clientId: notice.clientId }, 'back-channel logout not queued: the store is unavailable');
        held = { ...notice, attempt: delays.length + 1, lease: '' };
      }
      // setImmediate: the response that caused the logout goes out first.
      void track(
        new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
          const result = await attempt(held);
          if (!o.retries) reported.push(result);
        }),
      );
    },
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      return reported.splice(0);
    },
    async close() {
      closed = true;
      clearInterval(poller);
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}

/** The failure as a short text: fetch names the network cause (ECONNREFUSED, a timeout) only in `cause`. */
function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return [e?.name === 'TimeoutError' ? 'timed out' : (e?.message ?? String(err)), cause].filter(Boolean).join(': ');
}
