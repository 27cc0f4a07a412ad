import { Cluster } from 'ioredis';
import { StoreUnavailableError, type RedisClient } from '../types.ts';

/** How long a write may wait for its replicas; well under the command timeout. */
const waitTimeoutMs = 500;

/**
 * Resolves once `replicas` replicas hold every write made so far on this client's
 * connections (WAIT), so that a failover cannot lose a write the user was told
 * about; rejects otherwise. WAIT counts per connection, and in a Cluster the write
 * went to the master of its slot, so there every master is asked: a master that
 * got no write from this client answers at once.
 */
export function replicaAcknowledgement(client: RedisClient, replicas: number): () => Promise<void> {
  if (replicas === 0) return async () => {};
  const waitOn = (node: { wait(replicas: number, timeout: number): Promise<number> }) => node.wait(replicas, waitTimeoutMs);
  return async () => {
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    const acknowledged = Math.min(...(await Promise.all(nodes.map(waitOn))));
    if (acknowledged < replicas) {
      throw new StoreUnavailableError(`the write reached ${acknowledged} of ${replicas} required Redis replicas (REDIS_WAIT_REPLICAS)`);
    }
  };
}
