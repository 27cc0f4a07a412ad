import { openRedisStore } from '../../adapters/redis/index.ts';
import { stopAllRedisServers } from '../support/redis-servers.ts';
import { dataPassword, startSentinelSetup, type SentinelSetup } from '../support/redis-topologies.ts';
import { describeStoreContract } from './store-contract.ts';
import { interruptedWritesContract } from './interrupted-writes.contract.ts';

let setup: SentinelSetup | undefined;
beforeAll(async () => {
  setup = await startSentinelSetup();
});
afterAll(stopAllRedisServers);

describeStoreContract('redis sentinel', () => openRedisStore({ settings: setup!.settings, prefix: 'idp:' }));
interruptedWritesContract(() => ({ settings: setup!.settings, ports: [setup!.master.port, setup!.replica.port], password: dataPassword }));
