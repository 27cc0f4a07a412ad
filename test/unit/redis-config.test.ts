import { loadConfig } from '../../src/config.ts';

const base = { DATA_DIR: `/tmp/cbs-idp-redis-config-test-${process.pid}` };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('Redis topology configuration', () => {
  test('no Redis variable: the embedded store', () => {
    expect(loadConfig(base).redis).toBeUndefined();
  });

  test('REDIS_URL: a single server, waiting for no replica', () => {
    const config = loadConfig({ ...base, REDIS_URL: 'rediss://:secret@redis.internal:6380' });
    expect(config.redis).toEqual({ topology: { kind: 'single', url: 'rediss://:secret@redis.internal:6380' }, tls: false, waitReplicas: 0 });
    expect(config.redisUrl).toBe('rediss://:secret@redis.internal:6380');
  });

  test('REDIS_SENTINELS with a name, passwords, TLS and replica acknowledgement', () => {
    const config = loadConfig({
      ...base,
      REDIS_SENTINELS: 'sentinel-1:26379, [::1]:26380',
      REDIS_SENTINEL_NAME: 'idp',
      REDIS_PASSWORD: 'data-secret',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_TLS: 'true',
      REDIS_WAIT_REPLICAS: '1',
    });
    expect(config.redis).toEqual({
      topology: {
        kind: 'sentinel',
        name: 'idp',
        sentinelPassword: 'sentinel-secret',
        sentinels: [
          { host: 'sentinel-1', port: 26379 },
          { host: '::1', port: 26380 },
        ],
      },
      password: 'data-secret',
      tls: true,
      waitReplicas: 1,
    });
  });

  test('REDIS_CLUSTER_NODES: a cluster', () => {
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' }).redis?.topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
    });
  });

  test('each mistake is named, and no password is repeated in the message', () => {
    expect(problems({ REDIS_SENTINELS: 'sentinel-1:26379' })).toMatch(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'c:7000' })).toMatch(/REDIS_URL and REDIS_CLUSTER_NODES: set only one Redis topology/);
    expect(problems({ REDIS_CLUSTER_NODES: 'c:7000,just-a-host,c:99999' })).toMatch(/"just-a-host" is not host:port[\s\S]*"c:99999" is not host:port/);
    expect(problems({ REDIS_CLUSTER_NODES: ' , ' })).toMatch(/REDIS_CLUSTER_NODES: must list at least one host:port/);
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'top-secret' })).toMatch(/REDIS_PASSWORD: with REDIS_URL, put user and password in the URL/);
    expect(problems({ REDIS_SENTINEL_NAME: 'idp', REDIS_WAIT_REPLICAS: '1' })).toMatch(
      /REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS[\s\S]*REDIS_WAIT_REPLICAS: set, but no Redis/,
    );
    expect(problems({ REDIS_CLUSTER_NODES: 'c:7000', REDIS_TLS: 'yes', REDIS_WAIT_REPLICAS: '-1' })).toMatch(/REDIS_TLS[\s\S]*REDIS_WAIT_REPLICAS/);
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'top-secret' })).not.toContain('top-secret');
  });
});
