import type { Store } from '../../adapters/types.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { instrumentStore } from '../../src/metrics/store-metrics.ts';
import { sampleSum } from '../support/prometheus.ts';

/** A store whose back end is down for account look-ups only. */
function storeFailingLookups(): Store {
  const adapter = { find: async () => ({ accountId: 'a1' }), upsert: async () => {}, destroy: async () => {} };
  return {
    kind: 'sqlite',
    accounts: {
      findByEmail: async () => {
        throw new Error('connection lost');
      },
    },
    tokens: {},
    replay: { claim: async () => true },
    logoutOutbox: {},
    history: {},
    upstreamLinks: {},
    oidcAdapter: () => adapter,
    ping: async () => {},
    close: async () => {},
  } as unknown as Store;
}

describe('store metrics', () => {
  test('every operation is timed under its name, and a failure is counted and still reaches the caller', async () => {
    const metrics = createMetrics();
    const store = instrumentStore(storeFailingLookups(), metrics);

    await expect(store.accounts.findByEmail('a@example.org')).rejects.toThrow('connection lost');
    expect(await store.replay.claim('a1', 'code', 30)).toBe(true);
    expect(await store.oidcAdapter('Session').find('s1')).toEqual({ accountId: 'a1' });
    await store.ping();

    const text = await metrics.registry.metrics();
    expect(sampleSum(text, 'idp_store_operation_errors_total', { operation: 'accounts.findByEmail' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'accounts.findByEmail' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'replay.claim' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'Session.find' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'ping' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_errors_total', { operation: 'Session.find' })).toBe(0);
    expect(store.kind).toBe('sqlite');
  });
});
