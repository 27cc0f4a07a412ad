import type { RedisClient } from '../../adapters/types.ts';

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

function settle(): void {
  // The runner forks servers with --expose-gc: measure what is live, not garbage.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

async function redisUsedMemory(redis: RedisClient): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

export interface MemoryFigures {
  sessions: number;
  seconds: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssGrowthMB: number;
  heapGrowthMB: number;
  /** Redis used_memory growth (the whole server's, so approximate when others share it). */
  redisGrowthMB?: number;
  /** Growth of the SQLite file and its WAL. */
  fileGrowthMB?: number;
}

/**
 * Resident memory of this server process before and after `sessions` signed-in
 * users exist (session, grant, access and refresh token each), created 100 at a time.
 */
export async function measureGrowth(
  sessions: number,
  create: (i: number) => Promise<void>,
  where: { redis?: RedisClient; file?: () => number },
): Promise<MemoryFigures> {
  settle();
  const before = process.memoryUsage();
  const redisBefore = where.redis ? await redisUsedMemory(where.redis) : undefined;
  const fileBefore = where.file?.();
  const started = Date.now();
  for (let start = 0; start < sessions; start += 100) {
    await Promise.all(Array.from({ length: Math.min(100, sessions - start) }, (_, i) => create(start + i)));
  }
  const seconds = (Date.now() - started) / 1000;
  settle();
  const after = process.memoryUsage();
  const figures: MemoryFigures = {
    sessions,
    seconds,
    rssBeforeMB: mb(before.rss),
    rssAfterMB: mb(after.rss),
    rssGrowthMB: mb(after.rss - before.rss),
    heapGrowthMB: mb(after.heapUsed - before.heapUsed),
  };
  if (where.redis && redisBefore !== undefined) figures.redisGrowthMB = mb((await redisUsedMemory(where.redis)) - redisBefore);
  if (where.file && fileBefore !== undefined) figures.fileGrowthMB = mb(where.file() - fileBefore);
  return figures;
}
