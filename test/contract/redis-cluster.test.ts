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
      const client = { account: `${crypto.randomUUID()}@cbs.nl`, ip: '192.0.2.7' };
      const taken = await Promise.all(Array.from({ length: 6 }, () => limits.takePasswordAttempt(client)));
      expect(taken.map((t) => t.kind)).toEqual(['taken', 'taken', 'taken', 'taken', 'taken', 'locked']);
      for (const t of taken) if (t.kind === 'taken') await t.attempt.failed();
      expect((await limits.takePasswordAttempt(client)).kind).toBe('locked');
      expect((await limits.takePasswordAttempt({ account: `${crypto.randomUUID()}@cbs.nl`, ip: '192.0.2.8' })).kind).toBe('taken');
      const requests = await Promise.all([1, 2, 3, 4].map(() => limits.passwordRequest(client.account, client.ip)));
      expect(requests.map(({ address }) => address).sort()).toEqual([false, true, true, true]);
    } finally {
      await store.close();
    }
  });

  it('bound set-password mails by requester, in parallel: different addresses generously, unknown ones strictly', async () => {
    const store = await openRedisStore({ settings: cluster!.settings, prefix: 'idp:' });
    try {
      const limits = createLimits(store.redis, 'idp:', { addressesPerIp: 40, unknownAddressesPerIp: 3 });
      const ip = '192.0.2.40';
      const room = await Promise.all(Array.from({ length: 41 }, (_, i) => limits.passwordRequest(`student-${i}-${crypto.randomUUID()}@uni.example`, ip)));
      expect(room.filter((r) => r.ip && r.address)).toHaveLength(40);
      expect(room.filter((r) => !r.ip)).toHaveLength(1);
      const sprayer = '203.0.113.40';
      await Promise.all(Array.from({ length: 3 }, () => limits.unknownAddressRequested(sprayer)));
      expect(await limits.sprayingFrom(sprayer)).toBe(false);
      await limits.unknownAddressRequested(sprayer);
      expect([await limits.sprayingFrom(sprayer), await limits.sprayingFrom(ip)]).toEqual([true, false]);
    } finally {
      await store.close();
    }
  });
});
