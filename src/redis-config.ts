import { z } from 'zod';
import type { HostPort, RedisSettings, RedisTopology } from '../adapters/redis/settings.ts';

/** The Redis variables of the environment; config.ts merges this into its schema. */
export const redisEnvSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().trim().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_TLS: z.enum(['true', 'false']).optional(),
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
});
type RedisEnv = z.infer<typeof redisEnvSchema>;

// host:port, or [IPv6]:port
const hostPortPattern = /^(?:\[([^\]\s]+)\]|([^:\s[\]]+)):(\d{1,5})$/;

function hostPorts(variable: string, list: string, problems: string[]): HostPort[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const nodes = entries.flatMap((entry) => {
    const match = hostPortPattern.exec(entry);
    // A bracketed IPv6 address or a name: one of the two groups holds the host.
    const host = match?.[1] ?? match?.[2];
    const port = Number(match?.[3]);
    if (host === undefined || port < 1 || port > 65535) {
      problems.push(`${variable}: "${entry}" is not host:port (e.g. redis-1.internal:26379)`);
      return [];
    }
    return [{ host, port }];
  });
  if (entries.length === 0) problems.push(`${variable}: must list at least one host:port`);
  return nodes;
}

function chooseTopology(e: RedisEnv, problems: string[]): RedisTopology | undefined {
  const chosen = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((name) => e[name] !== undefined);
  if (chosen.length > 1) {
    problems.push(`${chosen.join(' and ')}: set only one Redis topology (single server, Sentinel or Cluster)`);
    return undefined;
  }
  if (e.REDIS_SENTINELS !== undefined) {
    if (!e.REDIS_SENTINEL_NAME) problems.push("REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the monitored master's name)");
    const sentinels = hostPorts('REDIS_SENTINELS', e.REDIS_SENTINELS, problems);
    return { kind: 'sentinel', sentinels, name: e.REDIS_SENTINEL_NAME ?? '', sentinelPassword: e.REDIS_SENTINEL_PASSWORD };
  }
  if (e.REDIS_CLUSTER_NODES !== undefined) {
    return { kind: 'cluster', nodes: hostPorts('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES, problems) };
  }
  return e.REDIS_URL === undefined ? undefined : { kind: 'single', url: e.REDIS_URL };
}

/** Settings that only make sense with some topology, named when set without it. */
function misplaced(e: RedisEnv, topology: RedisTopology | undefined): string[] {
  const problems: string[] = [];
  const onlyWith = (names: (keyof RedisEnv)[], allowed: boolean, why: string) => {
    for (const name of names) if (e[name] !== undefined && !allowed) problems.push(`${name}: ${why}`);
  };
  onlyWith(['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'], topology?.kind === 'sentinel', 'only used with REDIS_SENTINELS');
  if (topology?.kind === 'single') {
    onlyWith(
      ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'],
      false,
      'with REDIS_URL, put user and password in the URL (redis://user:password@host:6379) and use rediss:// for TLS',
    );
  } else {
    onlyWith(['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'], topology !== undefined, 'set, but no Redis is configured');
  }
  if (e.REDIS_WAIT_REPLICAS > 0 && !topology) problems.push('REDIS_WAIT_REPLICAS: set, but no Redis is configured');
  return problems;
}

/** Validates the Redis variables together; no Redis topology means the embedded SQLite store. */
export function redisSettingsFrom(e: RedisEnv): { settings?: RedisSettings; problems: string[] } {
  const problems: string[] = [];
  const topology = chooseTopology(e, problems);
  problems.push(...misplaced(e, topology));
  if (!topology || problems.length) return { problems };
  return {
    settings: {
      topology,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      tls: e.REDIS_TLS === 'true',
      waitReplicas: e.REDIS_WAIT_REPLICAS,
    },
    problems,
  };
}
