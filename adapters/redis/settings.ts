/** How to reach Redis, as configured (src/config.ts reads it from the environment). */
export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  /** One server; user, password and TLS (rediss://) are part of the URL. */
  | { kind: 'single'; url: string }
  /** A master found through Sentinel under `name`; fails over to a replica. */
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string }
  /** A Redis Cluster, found from any of its nodes. */
  | { kind: 'cluster'; nodes: HostPort[] };

export interface RedisSettings {
  topology: RedisTopology;
  /** Sentinel and Cluster: the data nodes' ACL user and password (a single server has them in its URL). */
  username?: string;
  password?: string;
  /** Sentinel and Cluster: TLS to every node (a single server: rediss://). */
  tls?: boolean;
  /** Account writes wait until this many replicas hold them (WAIT); 0: no waiting. */
  waitReplicas?: number;
}

/** The variable an operator set for this topology, to name in an error. */
export function topologyVariable(topology: RedisTopology): string {
  return { single: 'REDIS_URL', sentinel: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' }[topology.kind];
}

/** Where Redis is, for messages and logs: never a user name or password. */
export function describeTopology(topology: RedisTopology): string {
  const list = (nodes: HostPort[]) => nodes.map(({ host, port }) => `${host}:${port}`).join(',');
  switch (topology.kind) {
    case 'single': {
      const { protocol, host } = new URL(topology.url);
      return `${protocol}//${host}`;
    }
    case 'sentinel':
      return `master ${topology.name} via Sentinel ${list(topology.sentinels)}`;
    case 'cluster':
      return `Cluster ${list(topology.nodes)}`;
  }
}
