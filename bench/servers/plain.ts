import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { plainConfiguration } from './plain-config.ts';
import { mintSignedInUser, mintTokens } from './mint.ts';
import { measureGrowth } from './memory.ts';

/**
 * The floor under the token endpoints: node-oidc-provider with its in-memory
 * adapter and an account lookup from a Map, with the same clients, keys,
 * protocol settings and features as our service (plain-config.ts). No store,
 * no screens, no middleware of ours. Its memory adapter keeps only the latest
 * 1,000 entries of all models together.
 */
export async function startPlain(o: { jwksFile: string }) {
  const server = createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accountIds = Array.from({ length: 100 }, (_, i) => `plain-${i}`);
  const configuration = plainConfiguration({
    jwksFile: o.jwksFile,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: `${id}@bench.example`,
        email_verified: true,
        name: 'Bench User',
        given_name: 'Bench',
        family_name: 'User',
        locale: 'en',
      }),
    }),
  });
  // Its memory adapter is the point of this baseline: silence the warning that says so.
  const warn = console.warn;
  console.warn = () => {};
  const provider = new Provider(issuer, configuration);
  console.warn = warn;
  server.on('request', provider.callback());
  return {
    url: issuer,
    handlers: {
      mint: async ({ count, revocable }: { count: number; revocable?: number }) => mintTokens(provider, accountIds, count, revocable),
      memory: ({ sessions }: { sessions: number }) => measureGrowth(sessions, (i) => mintSignedInUser(provider, accountIds[i % accountIds.length]!), {}),
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
