import { startRedisServer, stopAllRedisServers } from '../support/redis-servers.ts';
import { interruptedWritesContract, type RedisUnderTest } from './interrupted-writes.contract.ts';

// ACL users are set up for these tests: a throwaway server, never the shared one.
let redis: RedisUnderTest | undefined;
const password = 'single-server-secret';

beforeAll(async () => {
  const server = await startRedisServer([], password);
  redis = { settings: { topology: { kind: 'single', url: `redis://:${password}@127.0.0.1:${server.port}` } }, ports: [server.port], password };
});
afterAll(stopAllRedisServers);

interruptedWritesContract(() => redis!);
