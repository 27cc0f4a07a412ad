import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../types.ts';
import { describeTopology, topologyVariable, type RedisSettings } from './settings.ts';

/** A command without a reply within this time fails: a user waits for a page, not for Redis. */
export const commandTimeoutMs = 1000;

/** Reconnects forever, in the background, at most 2 s apart: service resumes by itself. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 2000);

// No offline queue: a command while Redis is away fails at once instead of waiting
// for its return. No retries: a command in flight when the connection drops fails,
// and is never sent again later, when its caller has long given up (a refresh the
// application abandoned must not spend its refresh token afterwards).
const failFast = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: commandTimeoutMs,
  connectTimeout: 2000,
  // A node that was master and came back as a replica answers writes with READONLY:
  // reconnect (asking the sentinels anew), without sending the failed command again.
  reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 1 : false),
} satisfies RedisOptions;

function createRedisClient({ topology, username, password, tls }: RedisSettings): RedisClient {
  const tlsOptions = tls ? {} : undefined;
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, { ...failFast, enableAutoPipelining: true, lazyConnect: true, retryStrategy: reconnectDelay });
    case 'sentinel':
      return new Redis({
        ...failFast,
        enableAutoPipelining: true,
        lazyConnect: true,
        retryStrategy: reconnectDelay,
        username,
        password,
        tls: tlsOptions,
        enableTLSForSentinelMode: tls,
        sentinelTLS: tlsOptions,
        sentinels: topology.sentinels,
        name: topology.name,
        sentinelPassword: topology.sentinelPassword,
        sentinelRetryStrategy: reconnectDelay,
        // A sentinel that accepts the connection but never answers (frozen, overloaded)
        // must not hold up the search for the master: ask the next one.
        sentinelCommandTimeout: commandTimeoutMs,
        // Listens for the sentinels' +switch-master, so a failover is followed at once.
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(topology.nodes, {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        lazyConnect: true,
        clusterRetryStrategy: reconnectDelay,
        redisOptions: { ...failFast, username, password, tls: tlsOptions },
      });
  }
}

/**
 * Opens the client and waits until Redis answers, so that a wrong address fails
 * start-up at once with a message naming the variable (never a password).
 */
export async function connectRedis(settings: RedisSettings): Promise<RedisClient> {
  const client = createRedisClient(settings);
  let connectionError: Error | undefined;
  const rememberError = (error: Error) => {
    connectionError = error;
  };
  client.on('error', rememberError);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    const reason = (connectionError ?? (error as Error)).message;
    throw new Error(`Redis (${describeTopology(settings.topology)}, ${topologyVariable(settings.topology)}) cannot be reached: ${reason}`);
  } finally {
    client.off('error', rememberError);
  }
}

/**
 * ioredis ends a client for good when its reconnect is cut short half-way. On
 * Sentinel that happens in a failover: the client, whose master has just died, is
 * asking a sentinel for the master when the sentinels announce +switch-master, and
 * the failover detector's disconnect aborts that reconnect; the client then answers
 * every command with "Connection is closed." until the process restarts (seen in the
 * failover test on a loaded machine). A client ended without close() is therefore
 * started again, a reconnect delay later, for as long as it keeps ending. Returns the
 * function close() calls first.
 */
export function restartWhenEnded(client: RedisClient): () => void {
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  const restart = () => {
    clearTimeout(timer);
    attempt += 1;
    timer = setTimeout(() => {
      if (client.status === 'end')
        client.connect().catch(() => {
          /* ended again: 'end' brings it back here */
        });
    }, reconnectDelay(attempt));
    timer.unref();
  };
  const connected = () => {
    attempt = 0;
  };
  client.on('end', restart);
  client.on('ready', connected);
  return () => {
    clearTimeout(timer);
    client.off('end', restart);
    client.off('ready', connected);
  };
}

/**
 * A command that timed out may be merely slow (a long reply, a busy moment), or sit
 * unsent behind a dead connection (a host gone without a reset). The connection is
 * asked: a PING answered within the command timeout means it is alive, and the
 * requests whose commands share it carry on. Without an answer it is dropped, so that
 * nothing queued there is sent when the network returns and the next commands go to a
 * fresh connection. (The error does not say which connection it came from: every
 * client is asked, a Cluster on each node's connection; one question at a time each.)
 */
export function probeConnectionOnTimeout(clients: RedisClient[]): (error: unknown) => void {
  const asking = new Set<RedisClient>();
  const answers = async (client: RedisClient) => {
    const connections = client instanceof Cluster ? client.nodes() : [client];
    const pings = await Promise.allSettled(connections.filter((c) => c.status === 'ready').map((c) => c.ping()));
    return pings.every((ping) => ping.status === 'fulfilled');
  };
  return (error) => {
    if (!(error instanceof Error) || error.message !== 'Command timed out') return;
    for (const client of clients) {
      if (client.status !== 'ready' || asking.has(client)) continue;
      asking.add(client);
      void answers(client)
        .then((alive) => {
          if (!alive && client.status === 'ready') client.disconnect(true);
        })
        .finally(() => asking.delete(client));
    }
  };
}
