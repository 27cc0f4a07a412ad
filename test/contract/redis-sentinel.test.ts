import { openRedisStore } from '../../adapters/redis/index.ts';
import { stopAllRedisServers } from '../support/redis-servers.ts';
import { startSentinelSetup } from '../support/redis-topologies.ts';
import { describeStoreContract } from './store-contract.ts';

afterAll(stopAllRedisServers);

describeStoreContract('redis sentinel', async () => {
  const { settings } = await startSentinelSetup();
  return openRedisStore({ settings, prefix: 'idp:' });
});
