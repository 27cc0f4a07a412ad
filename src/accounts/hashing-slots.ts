import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { ClientGone } from '../errors.ts';

/**
 * How many argon2 computations run at once: one per core, leaving a thread of
 * libuv's pool (UV_THREADPOOL_SIZE, 4 by default) free for the rest of its
 * work, such as signing ID tokens. With more at once than cores, hashes share
 * the cores and their 19 MiB blocks evict each other from the caches: each
 * costs about 10% more CPU, and everything else on the pool waits behind them.
 */
export function hashingConcurrency(cores = availableParallelism(), poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4): number {
  return Math.max(1, Math.min(cores, poolSize - 1));
}

/**
 * Runs hash computations at most `slots` at a time, in arrival order. A
 * computation whose caller's signal aborted while it waited is not started
 * (ClientGone): a browser that left does not spend a core.
 */
export function hashingSlots(slots = hashingConcurrency()) {
  const limit = pLimit(slots);
  return <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    limit(() => {
      if (signal?.aborted) throw new ClientGone();
      return work();
    });
}
