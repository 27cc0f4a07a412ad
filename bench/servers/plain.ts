import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider, { type Configuration } from 'oidc-provider';
import { CLIENTS } from '../fixture.ts';
import { PROTOCOL } from '../../src/oidc/provider.ts';
import { mintSignedInUser, mintTokens } from './mint.ts';
import { measureGrowth } from './memory.ts';

/**
 * The token-endpoint ceiling: node-oidc-provider with its in-memory adapter,
 * the same clients and keys, the same protocol settings (claims, scopes,
 * token rules, TTLs: PROTOCOL in src/oidc/provider.ts) and features, and an
 * account lookup from a Map. No store, no screens, no middleware of ours.
 */
export async function startPlain(o: { jwksFile: string }) {
  const server = createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accountIds = Array.from({ length: 100 }, (_, i) => `plain-${i}`);
  const configuration: Configuration = {
    clients: CLIENTS as Configuration['clients'],
    jwks: JSON.parse(readFileSync(o.jwksFile, 'utf8')) as Configuration['jwks'],
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@bench.example`, email_verified: true, name: 'Bench User', given_name: 'Bench', family_name: 'User', locale: 'en' }),
    }),
    ...PROTOCOL,
    extraClientMetadata: { properties: ['first_party'] },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  };
  // Its memory adapter is the point of this baseline: silence the warning that says so.
  const warn = console.warn;
  console.warn = () => {};
  const provider = new Provider(issuer, configuration);
  console.warn = warn;
  server.on('request', provider.callback());
  return {
    url: issuer,
    handlers: {
      mint: async ({ count }: { count: number }) => mintTokens(provider, accountIds, count),
      memory: ({ sessions }: { sessions: number }) => measureGrowth(sessions, (i) => mintSignedInUser(provider, accountIds[i % accountIds.length]!), {}),
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
