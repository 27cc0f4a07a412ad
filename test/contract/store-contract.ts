import type { Store } from '../../adapters/types.ts';
import type { StoreAccess } from './helpers.ts';
import { oidcAdapterContract } from './oidc-adapter.contract.ts';
import { accountStoreContract } from './accounts.contract.ts';
import { accountQueriesContract } from './account-queries.contract.ts';
import { singleUseTokenContract } from './tokens.contract.ts';
import { replayGuardContract } from './replay.contract.ts';
import { logoutOutboxContract } from './logout-outbox.contract.ts';
import { accountHistoryContract } from './history.contract.ts';
import { upstreamLinksContract } from './upstream-links.contract.ts';

/**
 * The one contract every back end is held to. `open` gives a store for the whole
 * suite; `discard` removes what the suite left behind, then the store is closed.
 */
export function describeStoreContract(backEnd: string, open: () => Promise<Store>, discard: (store: Store) => Promise<void> = async () => {}): void {
  describe(`${backEnd} store`, () => {
    let store: Store | undefined;
    const access: StoreAccess = () => {
      if (!store) throw new Error(`the ${backEnd} store did not open`);
      return store;
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      if (!store) return;
      await discard(store);
      await store.close();
    });

    it('answers ping', async () => {
      await expect(access().ping()).resolves.toBeUndefined();
    });

    oidcAdapterContract(access);
    accountStoreContract(access);
    accountQueriesContract(access);
    singleUseTokenContract(access);
    replayGuardContract(access);
    logoutOutboxContract(access);
    accountHistoryContract(access);
    upstreamLinksContract(access);
  });
}
