import { readFileSync } from 'node:fs';
import type { Store } from '../../adapters/types.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { watchRedisConnection } from '../../src/metrics/redis-metrics.ts';

/** The sample dashboard only queries metrics the service exports, so that no panel stays empty after a rename. */
describe('docs/grafana-dashboard.json', () => {
  test('every metric its panels query is exported', async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(idp|process|nodejs)_\w+/g) ?? [])));
    const metrics = createMetrics();
    watchRedisConnection({ redis: { status: 'ready' } } as unknown as Store, metrics); // a Redis deployment's full set
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const missing = [...queried].filter((name) => !exported.has(name.replace(/_(bucket|count|sum)$/, '')));
    expect(queried.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
