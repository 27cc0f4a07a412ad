import { openRedisStore } from '../../adapters/redis/index.ts';
import { dropKeys, REDIS_URL } from '../support/redis-keys.ts';
import { describeStoreContract } from './store-contract.ts';

// The shared Redis of the machine: only this run's keys, found by their prefix, are removed.
const prefix = `idp-test:${crypto.randomUUID()}:`;

describeStoreContract(
  'redis',
  () => openRedisStore({ settings: { topology: { kind: 'single', url: REDIS_URL } }, prefix }),
  () => dropKeys(prefix),
);
