import type { Options } from './options.ts';
import type { OpenLoopFigures } from './open-loop.ts';
import type { StoreCounts } from './servers/counting-store.ts';
import type { CpuFigures } from './report.ts';

/** An open-loop login run, with what the runner adds to the generator's figures. */
export interface RateRow extends OpenLoopFigures, CpuFigures {
  server: 'idp';
  scenario: 'login';
  /** The rate as a multiple of the login ceiling of the same run. */
  ofCeiling?: number;
  /** A step of the knee search. */
  knee?: boolean;
  accountWaits?: number;
  counts?: StoreCounts;
  storeOpsPerIteration?: number;
  redisCommandsPerIteration?: number;
  redisTripsPerIteration?: number;
}

/** Where a full login's p99 crosses KNEE_MS (the open loop's latency target) as the arrival rate steps up. */
export interface Knee {
  ceiling: number;
  /** The highest rate below the threshold, and the first one over it (undefined: none measured). */
  below?: { rate: number; ofCeiling: number; p99: number };
  crossed?: { rate: number; ofCeiling: number; p99: number };
}

export const KNEE_MS = 500;
const KNEE_FROM = 0.4,
  KNEE_STEP = 0.1,
  KNEE_UP_TO = 2;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Whether a run is past the knee: p99 over it, or the server fell behind (drops, late iterations, errors over 1%). */
const over = (r: RateRow) => !(r.p99 <= KNEE_MS) || r.stoppedEarly || r.late > 0 || r.dropped + r.errors > 0.01 * r.offered;

/**
 * The open-loop login runs of --rate and --knee. `ceiling` is the highest
 * closed-loop login throughput measured before them; `run` performs one run at
 * a rate (per second).
 */
export async function loginAtRates(
  o: Options,
  ceiling: number | undefined,
  run: (rate: number) => Promise<RateRow>,
): Promise<{ rows: RateRow[]; knee?: Knee }> {
  const rows: RateRow[] = [];
  const at = async (spec: Options['rates'][number], knee = false) => {
    if ('ofCeiling' in spec && !ceiling) throw new Error('a rate relative to the login ceiling needs closed-loop logins in the run (the login scenario)');
    const rate = 'perSecond' in spec ? spec.perSecond : round(spec.ofCeiling * ceiling!, 1);
    const row = await run(rate);
    if (ceiling) row.ofCeiling = round(rate / ceiling, 2);
    if (knee) row.knee = true;
    rows.push(row);
    return row;
  };
  for (const spec of o.rates) await at(spec);
  if (!o.knee) return { rows };
  if (!ceiling) throw new Error('--knee needs closed-loop logins in the run (the login ceiling it steps from)');
  const knee: Knee = { ceiling };
  for (let step = 0; KNEE_FROM + step * KNEE_STEP <= KNEE_UP_TO + 1e-9; step++) {
    const row = await at({ ofCeiling: round(KNEE_FROM + step * KNEE_STEP, 2) }, true);
    const point = { rate: row.rate, ofCeiling: row.ofCeiling!, p99: row.p99 };
    if (over(row)) {
      knee.crossed = point;
      break;
    }
    knee.below = point;
  }
  return { rows, knee };
}

/** Accounts the login pool needs at `rate`: each one signs in once per 30-second TOTP step. */
export const accountsFor = (rate: number) => Math.ceil(rate * 30);

/** The default bound on iterations in flight: two seconds of arrivals. */
export const defaultMaxInFlight = (rate: number) => Math.max(10, Math.ceil(rate * 2));
