import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';
import { openStore } from '../../adapters/index.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { setPasswordHash } from '../../src/accounts/operations/password.ts';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import type { Actor } from '../../src/accounts/events.ts';
import { newTotpSecret } from '../../src/mfa/totp/totp.ts';
import { PASSWORD, type BenchAccount } from '../fixture.ts';
import { countingStore } from './counting-store.ts';
import { requestTracer } from './request-trace.ts';
import { mintSignedInUser } from './mint.ts';
import { storeServerHandlers } from './handlers.ts';
import { measureGrowth } from './memory.ts';

/** Who the seeded accounts' history says made them. */
const BENCH: Actor = { via: 'cli', by: 'bench' };

export interface IdpOptions {
  store: 'redis' | 'embedded';
  redisUrl: string;
  prefix: string;
  dataDir: string;
  clientsFile: string;
  jwksFile: string;
}

/** Our service, composed exactly as src/main.ts does, on a loopback port, with a counting (and, on request, tracing) store. */
export async function startIdp(o: IdpOptions) {
  const server = createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    ISSUER: issuer,
    DATA_DIR: o.dataDir,
    CLIENTS_FILE: o.clientsFile,
    JWKS_FILE: o.jwksFile,
    COOKIE_KEYS: randomBytes(32).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    // Production's level: audit lines are written (the runner discards stdout).
    LOG_LEVEL: 'info',
    ...(o.store === 'redis' ? { REDIS_URL: o.redisUrl, REDIS_PREFIX: o.prefix } : {}),
  });
  const tracer = requestTracer();
  const counting = countingStore(await openStore(config), tracer);
  const app = await createApp(config, { store: counting.store });
  server.on('request', tracer.handler(app.callback));
  const { services } = app;
  const { accountIds, handlers } = storeServerHandlers({
    provider: services.provider,
    tracer,
    counts: counting.take,
    // One argon2 hash for all: seeding 1,500 accounts should not take a minute.
    async seedAccounts(count, offset) {
      const passwordHash = await hashPassword(PASSWORD);
      const seeded: BenchAccount[] = [];
      for (let start = 0; start < count; start += 50) {
        const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => offset + start + i);
        seeded.push(
          ...(await Promise.all(
            batch.map(async (n) => {
              const email = `bench-${n}@bench.example`;
              await accountCommands(services, 'create', { email, name: `Bench User ${n}`, locale: 'en' });
              const { id } = (await services.accounts.findByEmail(email))!;
              const secret = newTotpSecret();
              await setPasswordHash(services, BENCH, id, passwordHash);
              await addFactor(services, BENCH, id, { totp: { secret: services.secrets.seal(secret) } }, true);
              return { id, email, secret };
            }),
          )),
        );
      }
      return seeded;
    },
  });

  return {
    url: issuer,
    handlers: {
      ...handlers,
      /** The accounts scenario: one pass of the account-end job, timed here; a helpdesk member to search with. */
      endPass: async () => {
        const started = performance.now();
        await app.accountEnd.runOnce();
        return { ms: performance.now() - started };
      },
      staff: async () => {
        const [member] = await handlers.seed({ count: 1, offset: 10_000_000 + Math.floor(Math.random() * 1_000_000) });
        await accountCommands(services, 'grant-role', { email: member!.email, role: 'helpdesk' });
        return member;
      },
      memory: ({ sessions }: { sessions: number }) =>
        measureGrowth(sessions, (i) => mintSignedInUser(services.provider, accountIds[i % accountIds.length]!), {
          redis: services.store.redis,
          file: o.store === 'embedded' ? () => statSync(join(o.dataDir, 'idp.sqlite')).size + walSize(o.dataDir) : undefined,
        }),
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

function walSize(dir: string): number {
  try {
    return statSync(join(dir, 'idp.sqlite-wal')).size;
  } catch {
    return 0;
  }
}
