import type { Store } from '../../adapters/types.ts';

/**
 * Counts store operations (by interface method) and, on Redis, the commands
 * sent, so that the runner can report store round trips per request.
 * Wraps the store from outside: the adapters stay untouched.
 */
export interface StoreCounts {
  ops: Record<string, number>;
  redisCommands: Record<string, number>;
  /** Writes to the Redis socket: round trips, pipelines counting once (exact at concurrency 1). */
  redisWrites: number;
}

export function countingStore(store: Store): { store: Store; take(): StoreCounts } {
  let counts: StoreCounts = { ops: {}, redisCommands: {}, redisWrites: 0 };
  const bump = (table: Record<string, number>, name: string) => { table[name] = (table[name] ?? 0) + 1; };

  const wrap = <T extends object>(target: T, label: string): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          bump(counts.ops, `${label}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });

  const redis = store.redis;
  if (redis) {
    // Every command passes here once, pipelined (auto-pipelining, MULTI) or not.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      bump(counts.redisCommands, command.name);
      return (send as (...a: unknown[]) => unknown)(command, ...rest);
    }) as typeof redis.sendCommand;
    // ioredis writes each pipeline (auto-pipelined batch, MULTI) with one socket write.
    const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    stream.write = (...args: unknown[]) => {
      counts.redisWrites++;
      return write(...args);
    };
  }

  const counted: Store = {
    ...store,
    ping: () => store.ping(),
    close: () => store.close(),
    accounts: wrap(store.accounts, 'accounts'),
    tokens: wrap(store.tokens, 'tokens'),
    replay: wrap(store.replay, 'replay'),
    oidcAdapter: (model) => wrap(store.oidcAdapter(model), model),
  };
  return {
    store: counted,
    take() {
      const taken = counts;
      counts = { ops: {}, redisCommands: {}, redisWrites: 0 };
      return taken;
    },
  };
}
