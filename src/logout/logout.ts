import type Provider from 'oidc-provider';
import type { Store } from '../../adapters/types.ts';
import type { SessionsEnded } from '../accounts/sessions-ended.ts';
import type { Logger } from '../log.ts';
import { deliverWith, noticesFor } from './backchannel.ts';
import { createLogoutDeliveries, type DeliveryOutcome, type FirstAttempt } from './deliveries.ts';
import { patchProviderForLogout } from './provider-patch.ts';
import { revokeGrants } from '../accounts/revoke-grants.ts';

interface LogoutOptions {
  provider: Provider;
  store: Store;
  log: Logger;
  count: (outcome: DeliveryOutcome) => void;
  /** A process that lives retries the logouts due; false: the CLI, which makes first attempts only. */
  retries: boolean;
  retryDelaysMs?: number[];
}

/** Sign-out, one per running application (`Services.logout`). */
export interface Logout extends SessionsEnded {
  /**
   * Resolves once the back-channel logouts announced so far have had their
   * first attempt; without retries (the CLI), says how each went.
   */
  attempted(): Promise<FirstAttempt[]>;
  /** Stops retrying and waits for what is in flight; retries still due stay in the store. */
  close(): Promise<void>;
}

/**
 * Everything that ends sessions beyond the account's own reset: the
 * provider's "Log out" (through provider-patch.ts), back-channel logout to
 * each application of an account whose sessions ended (My account, the
 * console, the CLI, a set-password link, SCIM, the end-date job: each hands
 * its Services to the accounts operation), the delivery of those logout
 * tokens from the store's outbox (deliveries.ts). The front-channel page is
 * frontchannel.ts, the provider's sign-out screens pages.ts.
 */
export function createLogout(o: LogoutOptions): Logout {
  const sendNow = patchProviderForLogout(o.provider, {
    queue: (notice) => deliveries.send(notice),
    endGrants: (grantIds) =>
      revokeGrants(
        o.store,
        grantIds.map((id) => ({ id })),
      ),
  });
  const deliveries = createLogoutDeliveries({
    outbox: o.store.logoutOutbox,
    deliver: deliverWith(o.provider, sendNow),
    log: o.log,
    count: o.count,
    retries: o.retries,
    retryDelaysMs: o.retryDelaysMs,
  });
  // The notices of ended sessions on their way into the outbox: the account's change does not wait for them.
  const queueing = new Set<Promise<void>>();
  const queued = () => Promise.allSettled([...queueing]);

  return {
    sessionsEnded(accountId, ended) {
      if (!ended.length) return;
      const work = noticesFor(o.provider, accountId, ended)
        .then(async (notices) => {
          for (const notice of notices) await deliveries.send(notice);
        })
        .catch((err: unknown) => o.log.error({ err, accountId }, 'back-channel logout not queued'))
        .finally(() => queueing.delete(work));
      queueing.add(work);
    },
    async attempted() {
      await queued();
      return deliveries.settled();
    },
    async close() {
      await queued();
      await deliveries.close();
    },
  };
}
