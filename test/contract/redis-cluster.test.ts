import { openRedisStore } from '../../adapters/redis/index.ts';
import { stopAllRedisServers } from '../support/redis-servers.ts';
import { dataPassword, startCluster, type ClusterSetup } from '../support/redis-topologies.ts';
import { describeStoreContract } from './store-contract.ts';
import { interruptedWritesContract } from './interrupted-writes.contract.ts';

let cluster: ClusterSetup | undefined;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(stopAllRedisServers);

describeStoreContract('redis cluster', () => openRedisStore({ settings: cluster!.settings, prefix: 'idp:' }));
interruptedWritesContract(() => ({ settings: cluster!.settings, ports: cluster!.nodes.map(({ port }) => port), password: dataPassword }));
