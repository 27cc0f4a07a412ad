import { performance } from 'node:perf_hooks';

/**
 * Closed-loop load: `concurrency` virtual users, each starting its next
 * iteration as soon as the last one ends. Iterations that finish during the
 * warm-up are not recorded; none starts after the deadline.
 */
export interface LoadOptions {
  concurrency: number;
  durationS: number;
  warmupS: number;
  /** One iteration of virtual user `vu`; may return the duration of its steps (ms) for a breakdown. */
  iteration: (vu: number) => Promise<Record<string, number> | void>;
}

export interface Figures {
  concurrency: number;
  /** Completed iterations per second in the measured window. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  ok: number;
  /** Every completed iteration, warm-up included (the divisor for store counts). */
  total: number;
  errors: number;
  firstError?: string;
  /** Per-step p50/p95/p99 (ms), when the iteration reports steps. */
  steps?: Record<string, { p50: number; p95: number; p99: number }>;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function closedLoop(o: LoadOptions): Promise<Figures> {
  const start = performance.now();
  const measureFrom = start + o.warmupS * 1000;
  const deadline = measureFrom + o.durationS * 1000;
  const latencies: number[] = [];
  const steps = new Map<string, number[]>();
  let errors = 0;
  let total = 0;
  let firstError: string | undefined;

  const user = async (vu: number) => {
    // Bounded: stops at the deadline, or early when nothing succeeds.
    while (performance.now() < deadline && !(errors >= 20 && latencies.length === 0 && performance.now() > measureFrom)) {
      const t0 = performance.now();
      try {
        const stepTimes = await o.iteration(vu);
        const t1 = performance.now();
        total++;
        if (t1 >= measureFrom && t1 <= deadline) {
          latencies.push(t1 - t0);
          addSteps(steps, stepTimes);
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, vu) => user(vu)));

  return { concurrency: o.concurrency, ...summarize(latencies, steps, o.durationS), total, errors, ...(firstError ? { firstError } : {}) };
}

/** Adds one iteration's step times to the lists by step name. */
export function addSteps(steps: Map<string, number[]>, times: Record<string, number> | void): void {
  for (const [name, ms] of Object.entries(times ?? {})) {
    const list = steps.get(name);
    if (list) list.push(ms);
    else steps.set(name, [ms]);
  }
}

/** Latency and step figures of the iterations measured in a window of `durationS` seconds. */
export function summarize(
  latencies: number[],
  steps: Map<string, number[]>,
  durationS: number,
): Omit<Figures, 'concurrency' | 'total' | 'errors' | 'firstError'> {
  const sorted = latencies.sort((a, b) => a - b);
  const figures: ReturnType<typeof summarize> = {
    throughput: Math.round((sorted.length / durationS) * 10) / 10,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    max: round(sorted.at(-1) ?? NaN),
    ok: sorted.length,
  };
  if (steps.size) {
    figures.steps = Object.fromEntries(
      [...steps].map(([name, list]) => {
        const s = list.sort((a, b) => a - b);
        return [name, { p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)) }];
      }),
    );
  }
  return figures;
}
