import type { Store } from '../types.ts';
import { redisLogoutOutbox } from './logout-outbox.ts';
import { guardStore } from '../shared/unavailable.ts';
import { redisKeys } from './keys.ts';
import { redisOidcAdapterFactory } from './oidc-adapter.ts';
import { redisAccountStore, type AccountStoreOptions } from './accounts.ts';
import { redisTokenStore } from './tokens.ts';
import { redisReplayGuard } from './replay.ts';
import { redisAccountHistory } from './history.ts';
import { connectRedis, probeConnectionOnTimeout, restartWhenEnded } from './connection.ts';
import { replicaAcknowledgement } from './replicas.ts';
import type { RedisSettings } from './settings.ts';
import { redisUpstreamLinks } from './upstream-links.ts';

export interface RedisStoreOptions extends Partial<Pick<AccountStoreOptions, 'claimLeaseMs' | 'announcementMs'>> {
  settings: RedisSettings;
  prefix: string;
}

export async function openRedisStore({ settings, prefix, claimLeaseMs, announcementMs }: RedisStoreOptions): Promise<Store> {
  const keys = redisKeys(prefix);
  const redis = await connectRedis(settings);
  const waitReplicas = settings.waitReplicas ?? 0;
  // WAIT blocks its connection and counts that connection's writes: account writes that
  // wait for replicas get a connection of their own, so no other request queues behind.
  const accountsRedis = waitReplicas > 0 ? await connectRedis(settings) : redis;
  const clients = [...new Set([redis, accountsRedis])];
  // The clients reconnect by themselves; the last error only explains an unready connection.
  let lastError: Error | undefined;
  for (const client of clients)
    client.on('error', (error: Error) => {
      lastError = error;
    });
  const stopRestarting = clients.map(restartWhenEnded);
  const store: Store = {
    kind: 'redis',
    accounts: redisAccountStore(accountsRedis, keys, { acknowledged: replicaAcknowledgement(accountsRedis, waitReplicas), claimLeaseMs, announcementMs }),
    tokens: redisTokenStore(redis, keys),
    replay: redisReplayGuard(redis, keys),
    logoutOutbox: redisLogoutOutbox(redis, keys),
    history: redisAccountHistory(redis, keys),
    upstreamLinks: redisUpstreamLinks(redis, keys),
    oidcAdapter: redisOidcAdapterFactory(redis, keys),
    redis,
    async ping() {
      // A readiness probe must answer now, not once a reconnect has succeeded.
      const unready = clients.find((client) => client.status !== 'ready');
      if (unready) throw new Error(`Redis connection is ${unready.status} (${lastError?.message ?? 'no error'})`);
      await Promise.all(clients.map((client) => client.ping()));
    },
    async close() {
      for (const stop of stopRestarting) stop();
      // QUIT needs a live connection; without one there is nothing to close politely.
      // disconnect() after QUIT too: only it ends the connections a Sentinel client keeps
      // to the sentinels (failoverDetector), which would otherwise keep the process alive.
      await Promise.all(
        clients.map((client) =>
          client
            .quit()
            .catch(() => {})
            .finally(() => client.disconnect()),
        ),
      );
    },
  };
  return guardStore(store, probeConnectionOnTimeout(clients));
}
