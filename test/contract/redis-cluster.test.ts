import { openRedisStore } from '../../adapters/redis/index.ts';
import { stopAllRedisServers } from '../support/redis-servers.ts';
import { dataPassword, startCluster, type ClusterSetup } from '../support/redis-topologies.ts';
import { describeStoreContract } from './store-contract.ts';
import { interruptedWritesContract } from './interrupted-writes.contract.ts';
import { createLimits } from '../../src/security/rate-limits.ts';

let cluster: ClusterSetup | undefined;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(stopAllRedisServers);

describeStoreContract('redis cluster', () => openRedisStore({ settings: cluster!.settings, prefix: 'idp:' }));
interruptedWritesContract(() => ({ settings: cluster!.settings, ports: cluster!.nodes.map(({ port }) => port), password: dataPassword }));

describe('rate limits on the cluster', () => {
  it('count failures and lock out, with the counters in the cluster', async () => {
    const store = await openRedisStore({ settings: cluster!.settings, prefix: 'idp:' });
    try {
      const limits = createLimits(store.redis, 'idp:');
      const [account, ip] = [`${crypto.randomUUID()}@cbs.nl`, '192.0.2.7'];
      for (let i = 0; i < 5; i++) await limits.loginFailed(account, ip);
      expect(await limits.loginBlockedFor(account, ip)).toBeGreaterThan(0);
      expect(await limits.loginBlockedFor(`${crypto.randomUUID()}@cbs.nl`, '192.0.2.8')).toBe(0);
      const requests = await Promise.all([1, 2, 3, 4].map(() => limits.passwordRequestAllowed(account, ip)));
      expect(requests.map(({ address }) => address)).toEqual([true, true, true, false]);
    } finally {
      await store.close();
    }
  });
});
