import type Provider from 'oidc-provider';
import type { BenchAccount } from '../fixture.ts';
import type { StoreCounts } from './counting-store.ts';
import type { RequestTracer } from './request-trace.ts';
import { mintTokens } from './mint.ts';

/**
 * The runner's calls that our service and plain node-oidc-provider on the
 * same store answer alike: seed accounts, mint tokens for them, hand over the
 * store counts and the request traces. Seeding and minting are not counted.
 */
export function storeServerHandlers(o: {
  provider: Provider;
  seedAccounts: (count: number, offset: number) => Promise<BenchAccount[]>;
  counts: () => StoreCounts;
  tracer: RequestTracer;
}) {
  const accountIds: string[] = [];
  return {
    accountIds,
    handlers: {
      seed: async ({ count, offset = 0 }: { count: number; offset?: number }) => {
        const seeded = await o.seedAccounts(count, offset);
        accountIds.push(...seeded.map((a) => a.id));
        o.counts();
        return seeded;
      },
      mint: async ({ count, revocable }: { count: number; revocable?: number }) => {
        const tokens = await mintTokens(o.provider, accountIds, count, revocable);
        o.counts();
        return tokens;
      },
      counts: async () => o.counts(),
      trace: async ({ on }: { on: boolean }) => o.tracer.switch(on),
    },
  };
}
