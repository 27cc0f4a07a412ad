import { Redis } from 'ioredis';

/** The Redis server's CPU time so far (ms, user + system, from INFO cpu), on a connection of its own. */
export function redisCpuReader(url: string) {
  const redis = new Redis(url, { lazyConnect: true });
  return {
    async read(): Promise<number> {
      const info = await redis.info('cpu');
      const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000;
    },
    close: () => redis.disconnect(),
  };
}
