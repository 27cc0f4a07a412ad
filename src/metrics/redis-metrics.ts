import { Gauge } from 'prom-client';
import type { Store } from '../../adapters/types.ts';
import type { Metrics } from './metrics.ts';

/** Whether the Redis connection is usable, read at each scrape (absent on the embedded store). */
export function watchRedisConnection(store: Store, metrics: Metrics): void {
  if (!store.redis) return;
  const redis = store.redis;
  new Gauge({
    name: 'idp_redis_connected',
    help: '1 while the Redis connection is ready, 0 while it is connecting, reconnecting or closed',
    registers: [metrics.registry],
    collect() {
      this.set(redis.status === 'ready' ? 1 : 0);
    },
  });
}
