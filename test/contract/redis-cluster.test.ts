import { openRedisStore } from '../../adapters/redis/index.ts';
import { stopAllRedisServers } from '../support/redis-servers.ts';
import { startCluster } from '../support/redis-topologies.ts';
import { describeStoreContract } from './store-contract.ts';

afterAll(stopAllRedisServers);

describeStoreContract('redis cluster', async () => {
  const { settings } = await startCluster();
  return openRedisStore({ settings, prefix: 'idp:' });
});
