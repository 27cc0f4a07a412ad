/**
 * Throwaway Redis Sentinel and Redis Cluster setups on loopback ports, each with a
 * password, described by the same RedisSettings the service reads from its environment.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisSettings } from '../../adapters/redis/settings.ts';
import { dataNodeArgs, redisCli, startRedisProcess, waitUntil, type RedisProcess } from './redis-servers.ts';

export const dataPassword = 'data-node-secret';
const sentinelPassword = 'sentinel-secret';
const masterName = 'idp-master';

/** Reads `SENTINEL MASTER`'s flat key/value reply. */
async function sentinelView(sentinel: RedisProcess): Promise<Map<string, string>> {
  const lines = (await redisCli(sentinel.port, ['sentinel', 'master', masterName], sentinelPassword)).split('\n');
  return new Map(lines.flatMap((line, i) => (i % 2 === 0 ? [[line, lines[i + 1] ?? '']] : [])));
}

export interface SentinelSetup {
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  settings: RedisSettings;
  /** The port of the master the sentinels currently name (as the first one says, or another). */
  masterPort(sentinel?: number): Promise<number>;
}

/** One master, one replica and three sentinels (quorum 2) that fail over one second after the master goes. */
export async function startSentinelSetup(): Promise<SentinelSetup> {
  // No diskless-sync delay: the replica holds the data at once, not five seconds later.
  const auth = ['--requirepass', dataPassword, '--masterauth', dataPassword, '--repl-diskless-sync-delay', '0'];
  const master = await startRedisProcess('master', (port, dir) => dataNodeArgs(port, dir, auth), dataPassword);
  const replica = await startRedisProcess(
    'replica',
    (port, dir) => dataNodeArgs(port, dir, [...auth, '--replicaof', '127.0.0.1', String(master.port)]),
    dataPassword,
  );
  const sentinels = await Promise.all(
    [1, 2, 3].map(() =>
      startRedisProcess(
        'sentinel',
        (port, dir) => {
          const config = join(dir, 'sentinel.conf');
          return [config, '--sentinel', '--port', String(port)];
        },
        sentinelPassword,
        async (_port, dir) => {
          await writeFile(
            join(dir, 'sentinel.conf'),
            [
              'bind 127.0.0.1',
              `dir ${dir}`,
              'logfile sentinel.log',
              `requirepass ${sentinelPassword}`,
              `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
              `sentinel auth-pass ${masterName} ${dataPassword}`,
              `sentinel down-after-milliseconds ${masterName} 1000`,
              `sentinel failover-timeout ${masterName} 5000`,
            ].join('\n'),
          );
        },
      ),
    ),
  );
  await waitUntil('the replica in sync', async () => (await redisCli(replica.port, ['info', 'replication'], dataPassword)).includes('master_link_status:up'));
  // Ready for a failover: every sentinel sees the replica and the two other sentinels.
  await waitUntil('sentinels that know each other and the replica', async () => {
    const views = await Promise.all(sentinels.map(sentinelView));
    return views.every((view) => view.get('num-slaves') === '1' && view.get('num-other-sentinels') === '2');
  });
  return {
    master,
    replica,
    sentinels,
    settings: {
      topology: {
        kind: 'sentinel',
        name: masterName,
        sentinelPassword,
        sentinels: sentinels.map(({ port }) => ({ host: '127.0.0.1', port })),
      },
      password: dataPassword,
    },
    async masterPort(sentinel = 0) {
      const reply = await redisCli(sentinels[sentinel]!.port, ['sentinel', 'get-master-addr-by-name', masterName], sentinelPassword);
      return Number(reply.split('\n')[1]);
    },
  };
}

export interface ClusterSetup {
  nodes: RedisProcess[];
  settings: RedisSettings;
}

/** Three masters without replicas, all 16384 slots assigned, cluster_state:ok on every node. */
export async function startCluster(): Promise<ClusterSetup> {
  const clusterArgs = [
    '--requirepass',
    dataPassword,
    '--masterauth',
    dataPassword,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    '2000',
  ];
  const nodes = await Promise.all([1, 2, 3].map(() => startRedisProcess('cluster-node', (port, dir) => dataNodeArgs(port, dir, clusterArgs), dataPassword)));
  const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
  // Any node creates the cluster; three were started.
  await redisCli(nodes[0]!.port, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], dataPassword);
  await waitUntil('cluster_state:ok on every node', async () => {
    const infos = await Promise.all(nodes.map(({ port }) => redisCli(port, ['cluster', 'info'], dataPassword)));
    return infos.every((info) => info.includes('cluster_state:ok'));
  });
  return {
    nodes,
    settings: { topology: { kind: 'cluster', nodes: nodes.map(({ port }) => ({ host: '127.0.0.1', port })) }, password: dataPassword },
  };
}
