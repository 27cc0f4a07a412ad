import type { Options } from './options.ts';
import type { Results, Row, Usage } from './report.ts';
import type { MemoryFigures } from './servers/memory.ts';
import { TOKEN_SCENARIOS } from './scenarios/tokens.ts';
import { openLoopTargets } from './report-open-loop.ts';

/** One figure of the run against its baseline: a share (%), a multiple (×) or a count, with its target if it has one. */
export interface Ratio {
  what: string;
  concurrency: number;
  ratio: number;
  unit: '%' | '×' | '';
  target?: number;
  atMost?: boolean;
  met?: boolean;
}
export interface Target {
  target: string;
  met: boolean | null;
  detail: string;
}

/** Token endpoints against plain node-oidc-provider on the same store (issue #27). */
export const tokenTarget = (c: number) => (c <= 2 ? 0.8 : 0.9);
/** A login's main-thread CPU at most this multiple of the floor's, in at most this many Redis round trips. */
const LOGIN_CPU_TIMES_FLOOR = 2;
const LOGIN_REDIS_TRIPS = 15;

const find = (rows: Row[], server: string, scenario: string, c: number) =>
  rows.find((r) => r.server === server && r.scenario === scenario && r.concurrency === c);
export const formatRatio = (r: Pick<Ratio, 'ratio' | 'unit'>, value = r.ratio) =>
  r.unit === '%' ? `${Math.round(value * 100)}%` : r.unit === '×' ? `${value.toFixed(1)}×` : `${Math.round(value * 10) / 10}`;
const judged = (r: Omit<Ratio, 'met'>): Ratio => (r.target === undefined ? r : { ...r, met: r.atMost ? r.ratio <= r.target : r.ratio >= r.target });
/** The one furthest from its target (relative), for a target's summary line. */
const worst = (list: Ratio[]) => list.reduce((a, b) => (slack(a) < slack(b) ? a : b));
const slack = (r: Ratio) => (r.atMost ? r.target! / r.ratio : r.ratio / r.target!);

/** Ratios against the baselines of the same run, and the targets of issue #27. */
export function judge(
  { rows, memory, usage, openLoop, knee }: Pick<Results, 'rows' | 'memory' | 'usage' | 'openLoop' | 'knee'>,
  o: Pick<Options, 'store' | 'pin'>,
): { ratios: Ratio[]; targets: Target[] } {
  const ratios: Ratio[] = [];
  const targets: Target[] = [];
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const store = o.store === 'redis' ? 'Redis' : 'SQLite';
  const summary = (target: string, list: Ratio[], detail = (r: Ratio) => `${r.what} at c=${r.concurrency}: ${formatRatio(r)}`) => {
    if (list.length) targets.push({ target, met: list.every((r) => r.met), detail: `furthest from it: ${detail(worst(list))}` });
  };

  // 1. Token endpoints against plain node-oidc-provider on the same store.
  const cpu = (r: Row | undefined) => (r?.serverCpuMs ?? 0) + (r?.generatorCpuMs ?? 0);
  const tokenRatios: Ratio[] = [];
  for (const scenario of TOKEN_SCENARIOS) {
    for (const c of levels) {
      const ours = find(rows, 'idp', scenario, c);
      const base = find(rows, 'plain-store', scenario, c);
      if (!ours || !base?.throughput) continue;
      tokenRatios.push(
        judged({ what: `${scenario} / plain-store`, concurrency: c, ratio: ours.throughput / base.throughput, unit: '%', target: tokenTarget(c) }),
      );
      // Redis's own CPU is not in it (a shared server's INFO counts other users' work).
      if (cpu(ours) && cpu(base)) ratios.push({ what: `${scenario} / plain-store by CPU time`, concurrency: c, ratio: cpu(base) / cpu(ours), unit: '%' });
    }
  }
  ratios.push(...tokenRatios);
  summary(`token endpoints ≥ 90% of plain node-oidc-provider on the same store (${store}) at c > 2, ≥ 80% at c ≤ 2`, tokenRatios);

  // 2. A login's own cost against its floor, and its Redis round trips.
  const cpuRatios: Ratio[] = [];
  const tripRatios: Ratio[] = [];
  for (const c of levels) {
    const ours = find(rows, 'idp', 'login', c);
    const floor = find(rows, 'plain-store', 'login', c);
    if (ours?.serverMainCpuMs && floor?.serverMainCpuMs) {
      cpuRatios.push(
        judged({
          what: `login main-thread CPU ${ours.serverMainCpuMs} ms / floor ${floor.serverMainCpuMs} ms`,
          concurrency: c,
          ratio: ours.serverMainCpuMs / floor.serverMainCpuMs,
          unit: '×',
          target: LOGIN_CPU_TIMES_FLOOR,
          atMost: true,
        }),
      );
    }
    if (ours?.redisTripsPerIteration !== undefined) {
      const of = floor?.redisTripsPerIteration === undefined ? '' : ` (floor ${floor.redisTripsPerIteration})`;
      tripRatios.push(
        judged({ what: `login Redis round trips${of}`, concurrency: c, ratio: ours.redisTripsPerIteration, unit: '', target: LOGIN_REDIS_TRIPS, atMost: true }),
      );
    }
  }
  ratios.push(...cpuRatios, ...tripRatios);
  summary(
    `a login's main-thread CPU outside argon2 ≤ ${LOGIN_CPU_TIMES_FLOOR}× the floor's (plain node-oidc-provider on ${store}, minimal interaction, bare koa pages)`,
    cpuRatios,
    (r) => `${formatRatio(r)} at c=${r.concurrency} (${r.what.replace('login main-thread CPU ', '')})`,
  );
  // Exact at c=1 only: above it, one pipeline carries several requests' commands, and counts drop.
  const tripsTarget = `≤ ${LOGIN_REDIS_TRIPS} Redis round trips per login (judged at c=1, where the count is exact)`;
  const atOne = tripRatios.find((r) => r.concurrency === 1);
  if (atOne) summary(tripsTarget, [atOne]);
  else if (tripRatios.length)
    targets.push({
      target: tripsTarget,
      met: null,
      detail: `no run at c=1; shared pipelines at c=${tripRatios[0]!.concurrency}: ${formatRatio(tripRatios[0]!)}`,
    });

  // 4. Logins against argon2, measured the same way (across cores with --pin).
  const where = o.pin ? 'across cores (generator on core 0, servers on core 1)' : 'generator, service and Redis sharing the cores';
  const loginRatios: Ratio[] = [];
  for (const c of levels) {
    const login = find(rows, 'idp', 'login', c);
    const ceiling = find(rows, 'argon2', 'verify', c);
    if (!login || !ceiling?.throughput) continue;
    loginRatios.push({ what: `logins/s / argon2/s, ${where}`, concurrency: c, ratio: login.throughput / ceiling.throughput, unit: '%' });
    // CPU per verification over CPU per login (server and load generator): what a machine with nothing else running would show.
    if (login.serverCpuMs && ceiling.serverCpuMs)
      ratios.push({
        what: 'login / argon2 by CPU time',
        concurrency: c,
        ratio: ceiling.serverCpuMs / (login.serverCpuMs + (login.generatorCpuMs ?? 0)),
        unit: '%',
      });
  }
  ratios.push(...loginRatios);
  if (loginRatios.length) {
    targets.push({
      target: `logins/s over argon2/s, ${where}`,
      met: null,
      detail: loginRatios.map((r) => `${formatRatio(r)} at c=${r.concurrency}`).join(', '),
    });
  }

  // 3. Latency under load, and the memory targets that stand.
  targets.push(...openLoopTargets(openLoop, knee));
  const ours = memory.find((m) => (m as MemoryFigures & { server?: string }).server === 'idp');
  if (ours) targets.push({ target: `< 150 MB RSS growth for ${ours.sessions} sessions`, met: ours.rssGrowthMB < 150, detail: `${ours.rssGrowthMB} MB` });
  const growth = loginGrowth(usage);
  if (growth)
    targets.push({
      target: 'RSS after the login runs within 100 MB of RSS after start (with its accounts seeded)',
      met: growth.fromSeed <= 100,
      detail: growth.text,
    });
  return { ratios, targets };
}

/** Resident memory the login runs left behind, from before them (service started, accounts seeded) and from right after start. */
export function loginGrowth(usage: Results['usage']): { fromSeed: number; text: string } | undefined {
  const { afterStart, afterSeed, afterLogins } = usage;
  if (!afterStart || !afterSeed || !afterLogins) return undefined;
  const delta = (from: Usage) => {
    const d = Math.round((afterLogins.rssMB - from.rssMB) * 10) / 10;
    return `${d >= 0 ? '+' : ''}${d} MB`;
  };
  return {
    fromSeed: afterLogins.rssMB - afterSeed.rssMB,
    text: `RSS ${afterStart.rssMB} MB after start, ${afterSeed.rssMB} MB after seeding, ${afterLogins.rssMB} MB after the login runs: ${delta(afterSeed)} (${delta(afterStart)} from start)`,
  };
}
