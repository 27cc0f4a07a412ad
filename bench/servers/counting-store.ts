import { Pipeline } from 'ioredis';
import type { RedisClient, Store } from '../../adapters/types.ts';
import type { RequestTrace, RequestTracer } from './request-trace.ts';

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

/** Counts calls on objects it wraps and traffic on Redis clients it watches, and tells a tracer of each. */
export function callCounter(tracer?: RequestTracer) {
  let counts: StoreCounts = { ops: {}, redisCommands: {}, redisWrites: 0 };
  const bump = (table: Record<string, number>, name: string) => {
    table[name] = (table[name] ?? 0) + 1;
  };
  return {
    wrap<T extends object>(target: T, label: string): T {
      return new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const name = `${label}.${String(prop)}`;
            bump(counts.ops, name);
            const call = () => (value as (...a: unknown[]) => unknown).apply(obj, args);
            return tracer ? tracer.storeCall(name, call) : call();
          };
        },
      });
    },
    countRedis(redis: RedisClient): void {
      // Every command passes here once, pipelined (auto-pipelining, MULTI) or not: pipelined
      // ones when their pipeline is sent, which may be after the next pipeline's reply.
      const send = redis.sendCommand.bind(redis);
      redis.sendCommand = ((command: { name: string }, stream?: { isPipeline?: boolean }, ...rest: unknown[]) => {
        bump(counts.redisCommands, command.name);
        if (!stream?.isPipeline) tracer?.command(command.name);
        return (send as (...a: unknown[]) => unknown)(command, stream, ...rest);
      }) as typeof redis.sendCommand;
      if (tracer) tracePipelined(tracer);
      // ioredis writes each pipeline (auto-pipelined batch, MULTI) with one socket write.
      const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
      const write = stream.write.bind(stream);
      stream.write = (...args: unknown[]) => {
        counts.redisWrites++;
        tracer?.trip();
        return write(...args);
      };
    },
    take(): StoreCounts {
      const taken = counts;
      counts = { ops: {}, redisCommands: {}, redisWrites: 0 };
      return taken;
    },
  };
}

let pipelinesTraced = false;
const carried = Symbol('the requests whose commands a pipeline carries');
type Traced = Pipeline & { [carried]?: Set<RequestTrace> };
/**
 * The tracer learns of a pipelined command when it is issued, in the context of the
 * call that issued it; the pipeline's socket write is a round trip of each request
 * whose commands it carries.
 */
function tracePipelined(tracer: RequestTracer): void {
  if (pipelinesTraced) return;
  pipelinesTraced = true;
  const queue = Pipeline.prototype.sendCommand;
  Pipeline.prototype.sendCommand = function (this: Traced, command: { name: string }) {
    tracer.command(command.name);
    const request = tracer.current();
    if (request) {
      this[carried] ??= new Set();
      this[carried].add(request);
    }
    return queue.call(this, command as never);
  } as typeof queue;
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: Traced, ...args: Parameters<typeof exec>) {
    return tracer.writing(this[carried] ?? new Set(), () => exec.apply(this, args));
  } as typeof exec;
}

export function countingStore(store: Store, tracer?: RequestTracer): { store: Store; take(): StoreCounts } {
  const counter = callCounter(tracer);
  if (store.redis) counter.countRedis(store.redis);
  const counted: Store = {
    ...store,
    ping: () => store.ping(),
    close: () => store.close(),
    accounts: counter.wrap(store.accounts, 'accounts'),
    tokens: counter.wrap(store.tokens, 'tokens'),
    replay: counter.wrap(store.replay, 'replay'),
    oidcAdapter: (model) => counter.wrap(store.oidcAdapter(model), model),
  };
  return { store: counted, take: counter.take };
}
