import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { addSteps, summarize, type Figures } from './load.ts';

/**
 * Open-loop load: iterations start at a fixed arrival rate, whether or not
 * earlier ones have finished (the way independent users arrive), so that
 * latency includes any queueing at the server. Each iteration's latency runs
 * from its scheduled arrival, not from when the generator got round to it.
 * Arrivals during the warm-up are not recorded. At most `maxInFlight`
 * iterations run at once: an arrival that finds them all busy is dropped, and
 * once as many arrivals have been dropped the run stops by itself (the server
 * has fallen behind). Iterations still running `drainS` after the last
 * arrival are counted as late and not waited for.
 */
export interface OpenLoopOptions {
  /** Arrivals per second. */
  rate: number;
  /** Exponential gaps (a Poisson process) or equal ones. */
  arrivals: 'poisson' | 'fixed';
  durationS: number;
  warmupS: number;
  maxInFlight: number;
  drainS?: number;
  /** One iteration; may return the duration of its steps (ms) for a breakdown. */
  iteration: () => Promise<Record<string, number> | void>;
}

export interface OpenLoopFigures extends Omit<Figures, 'concurrency'> {
  rate: number;
  arrivals: 'poisson' | 'fixed';
  /** Arrivals scheduled in the measured window. */
  offered: number;
  /** Of those, not sent because `maxInFlight` iterations were in flight. */
  dropped: number;
  /** Of those, still running `drainS` after the last arrival (not waited for). */
  late: number;
  maxInFlight: number;
  peakInFlight: number;
  /** The run ended before its deadline: too many drops, or nothing succeeded. */
  stoppedEarly: boolean;
}

const sum = (times: Record<string, number>) => Object.values(times).reduce((a, b) => a + b, 0);

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopFigures> {
  const start = performance.now();
  const measureFrom = start + o.warmupS * 1000;
  const deadline = measureFrom + o.durationS * 1000;
  const gap = () => (o.arrivals === 'fixed' ? 1 : -Math.log(1 - Math.random())) * (1000 / o.rate);
  const latencies: number[] = [];
  const steps = new Map<string, number[]>();
  const running = new Set<Promise<void>>();
  let inFlight = 0,
    peakInFlight = 0,
    measuredInFlight = 0;
  let offered = 0,
    dropped = 0,
    droppedAll = 0,
    errors = 0,
    total = 0;
  let firstError: string | undefined;
  let abandoned = false;

  const arrive = (at: number) => {
    const measured = at >= measureFrom;
    if (measured) offered++;
    if (inFlight >= o.maxInFlight) {
      droppedAll++;
      if (measured) dropped++;
      return;
    }
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    if (measured) measuredInFlight++;
    const done: Promise<void> = o
      .iteration()
      .then(
        (times) => {
          if (abandoned) return;
          total++;
          if (!measured) return;
          const ms = performance.now() - at;
          latencies.push(ms);
          // What the steps do not account for: a late start, waiting for an account.
          if (times) addSteps(steps, { ...times, wait: Math.max(0, ms - sum(times)) });
        },
        (err: Error) => {
          if (abandoned) return;
          errors++;
          firstError ??= err?.message ?? String(err);
        },
      )
      .finally(() => {
        inFlight--;
        if (measured) measuredInFlight--;
        running.delete(done);
      });
    running.add(done);
  };

  let next = start;
  let stoppedAt = deadline;
  while (next < deadline) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    // Every arrival that is due, the missed ones too: the schedule never slips.
    const now = performance.now();
    while (next <= now && next < deadline) {
      arrive(next);
      next += gap();
    }
    if (droppedAll >= o.maxInFlight || (errors >= 20 && total === 0)) {
      stoppedAt = Math.max(measureFrom, performance.now());
      break;
    }
  }
  const drained = new AbortController();
  await Promise.race([Promise.all(running), sleep((o.drainS ?? 10) * 1000, undefined, { signal: drained.signal })]);
  drained.abort();
  const late = measuredInFlight;
  abandoned = true;

  const spanS = Math.min(stoppedAt, deadline) - measureFrom > 0 ? (Math.min(stoppedAt, deadline) - measureFrom) / 1000 : o.durationS;
  return {
    rate: o.rate,
    arrivals: o.arrivals,
    ...summarize(latencies, steps, spanS),
    total,
    errors,
    ...(firstError ? { firstError } : {}),
    offered,
    dropped,
    late,
    maxInFlight: o.maxInFlight,
    peakInFlight,
    stoppedEarly: stoppedAt < deadline,
  };
}
