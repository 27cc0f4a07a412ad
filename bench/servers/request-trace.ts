import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What one HTTP request did, in order: store calls, the Redis commands sent
 * (with the store call that sent each; none for direct ones, such as the
 * limits), and the socket writes to Redis that carried them (round trips).
 */
export type TraceEvent = { op: string } | { command: string; by?: string } | { trip: true };
export interface RequestTrace {
  request: string;
  /** When it arrived: µs on process.hrtime's clock, a CPU profile's too. */
  at: number;
  events: TraceEvent[];
  /** Main-thread CPU (ms, user and kernel) from this request's arrival to the next one's: with one request at a time, its own, after-answer work included. */
  cpu?: { user: number; system: number };
}

/** A request line with its ids and query left out: `POST /interaction/:id/login`. */
const shape = (req: IncomingMessage) =>
  `${req.method} ${(req.url ?? '')
    .split('?')[0]!
    .split('/')
    .map((part) => (part.length >= 16 ? ':id' : part))
    .join('/')}`;

/**
 * Records, while switched on, which store calls each request makes and the
 * Redis traffic they cause, attributed to the request by AsyncLocalStorage
 * (work a request leaves running after its answer included). Exact at
 * concurrency 1, where no Redis pipeline mixes two requests' commands and
 * no two requests share the main thread. Off, it costs a flag test per
 * request and per call.
 */
export function requestTracer() {
  const request = new AsyncLocalStorage<RequestTrace>();
  const storeCall = new AsyncLocalStorage<string>();
  let traces: RequestTrace[] | undefined;
  let open: { trace: RequestTrace; from: NodeJS.CpuUsage } | undefined;
  const close = () => {
    if (!open) return;
    const used = process.threadCpuUsage(open.from);
    open.trace.cpu = { user: used.user / 1000, system: used.system / 1000 };
    open = undefined;
  };
  // The requests whose commands the pipeline being written carries (see writing()).
  let writing: Set<RequestTrace> | undefined;
  const note = (event: TraceEvent) => {
    if (traces) request.getStore()?.events.push(event);
  };
  return {
    handler(handle: (req: IncomingMessage, res: ServerResponse) => unknown) {
      return (req: IncomingMessage, res: ServerResponse) => {
        if (!traces) return handle(req, res);
        close();
        const trace: RequestTrace = { request: shape(req), at: Number(process.hrtime.bigint() / 1000n), events: [] };
        traces.push(trace);
        open = { trace, from: process.threadCpuUsage() };
        return request.run(trace, () => handle(req, res));
      };
    },
    /** Runs a store call, so that the commands it sends name it. */
    storeCall<T>(name: string, call: () => T): T {
      if (!traces) return call();
      note({ op: name });
      return storeCall.run(name, call);
    },
    command(name: string): void {
      if (traces) note({ command: name, by: storeCall.getStore() });
    },
    trip(): void {
      if (!traces) return;
      if (writing) for (const trace of writing) trace.events.push({ trip: true });
      else note({ trip: true });
    },
    /** The request being served now, if any. */
    current: (): RequestTrace | undefined => request.getStore(),
    /**
     * Runs `write` as the round trip of each of `requests`: the requests whose commands
     * a pipeline carries, whoever writes it. One often waits for the pipeline in flight
     * before it (ioredis sends one at a time per connection) and is then written from
     * that one's reply, in another request's context or in none (a background job's).
     */
    writing<T>(requests: Set<RequestTrace>, write: () => T): T {
      const before = writing;
      writing = requests;
      try {
        return write();
      } finally {
        writing = before;
      }
    },
    /** Starts recording (true), or stops and hands over what was recorded (false). */
    switch(on: boolean): RequestTrace[] {
      close();
      const taken = traces ?? [];
      traces = on ? [] : undefined;
      return taken;
    },
  };
}

export type RequestTracer = ReturnType<typeof requestTracer>;
