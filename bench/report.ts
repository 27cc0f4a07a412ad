import type { Figures } from './load.ts';
import type { MemoryFigures } from './servers/memory.ts';
import type { StoreCounts } from './servers/counting-store.ts';
import { TOKEN_SCENARIOS } from './scenarios/tokens.ts';
import type { Knee, RateRow } from './rates.ts';
import { openLoopTable } from './report-open-loop.ts';
import { accountsTable } from './report-accounts.ts';
import type { AccountsRun } from './scenarios/accounts.ts';
import { formatRatio, loginGrowth, tokenTarget, type Ratio, type Target } from './targets.ts';

/** CPU time per completed iteration (warm-up included). */
export interface CpuFigures {
  /** Our server's process, its thread pool (argon2, signatures) included: robust where throughput is not, on a machine shared with other work. */
  serverCpuMs?: number;
  /** The server's main thread alone: everything outside argon2 and the other thread-pool work. */
  serverMainCpuMs?: number;
  /** The load generator (this process). */
  generatorCpuMs?: number;
  /** The Redis server (INFO cpu), which shares the machine's cores: all of its clients, ours almost alone during a run. */
  redisCpuMs?: number;
}

export interface Row extends Figures, CpuFigures {
  server: 'idp' | 'plain-store' | 'plain' | 'koa' | 'argon2';
  scenario: string;
  /** Store operations and Redis commands per completed iteration (our service and plain-store). */
  storeOpsPerIteration?: number;
  redisCommandsPerIteration?: number;
  /** Redis socket writes (round trips) per iteration; exact at concurrency 1, where nothing is batched across requests. */
  redisTripsPerIteration?: number;
  counts?: StoreCounts;
  /** Login only: how often a virtual user waited for an account with an unused TOTP step. */
  accountWaits?: number;
}

/** A server's memory at one stage of the run (MB; bench/server.ts, op usage). */
export interface Usage {
  rssMB: number;
  heapTotalMB: number;
  heapUsedMB: number;
  externalMB: number;
  arrayBuffersMB: number;
}

export interface Results {
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  startedAt: string;
  rows: Row[];
  /** Open-loop login runs (--rate, --knee), and where p99 crossed 1 s. */
  openLoop: RateRow[];
  knee?: Knee;
  memory: MemoryFigures[];
  usage: Partial<Record<'afterStart' | 'afterSeed' | 'afterLogins' | 'afterLoad', Usage>>;
  /** The accounts scenario, per store and size. */
  accounts: AccountsRun[];
  ratios: Ratio[];
  targets: Target[];
}

/** Token endpoints against plain-store, one line per endpoint: throughput share with its mark, and the share by CPU time. */
function tokenMatrix(ratios: Ratio[]): string[] {
  const levels = [...new Set(ratios.filter((r) => r.what.endsWith('/ plain-store')).map((r) => r.concurrency))].sort((a, b) => a - b);
  if (!levels.length) return [];
  const cell = (what: string, c: number) => {
    const share = ratios.find((r) => r.what === what && r.concurrency === c);
    const byCpu = ratios.find((r) => r.what === `${what} by CPU time` && r.concurrency === c);
    return share ? `${formatRatio(share)} ${share.met ? '✓' : '✗'}${byCpu ? ` (CPU ${formatRatio(byCpu)})` : ''}` : '–';
  };
  return [
    '',
    `| vs plain-store (same store): throughput (by CPU time) | ${levels.map((c) => `c=${c}, target ≥ ${Math.round(tokenTarget(c) * 100)}%`).join(' | ')} |`,
    `|---|${levels.map(() => '--:').join('|')}|`,
    ...TOKEN_SCENARIOS.filter((s) => ratios.some((r) => r.what === `${s} / plain-store`)).map(
      (s) => `| ${s} | ${levels.map((c) => cell(`${s} / plain-store`, c)).join(' | ')} |`,
    ),
  ];
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));
const num = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

/** A Markdown table, readable in a terminal and pasteable into the README. */
export function table(results: Results): string {
  const head = [
    'scenario',
    'server',
    'c',
    'per s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'store ops',
    'redis cmds',
    'redis trips',
    'cpu ms srv',
    'cpu ms main',
    'cpu ms gen',
    'cpu ms redis',
  ];
  const lines = results.rows.map((r) => [
    r.scenario,
    r.server,
    String(r.concurrency),
    num(r.throughput),
    num(r.p50),
    num(r.p95),
    num(r.p99),
    String(r.errors),
    num(r.storeOpsPerIteration),
    num(r.redisCommandsPerIteration),
    num(r.redisTripsPerIteration),
    num(r.serverCpuMs, 2),
    num(r.serverMainCpuMs, 2),
    num(r.generatorCpuMs, 2),
    num(r.redisCpuMs, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join(' | ')} |`;
  const out = lines.length ? [row(head), `|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...lines.map(row)] : [];

  out.push(...tokenMatrix(results.ratios));
  const others = results.ratios.filter((r) => !r.what.includes('/ plain-store'));
  if (others.length) {
    out.push('', '| ratio | c | value | target |', '|---|--:|--:|--:|');
    for (const r of others)
      out.push(
        `| ${r.what} | ${r.concurrency} | ${formatRatio(r)} | ${r.target === undefined ? '' : `${r.met ? '✓' : '✗'} ${r.atMost ? '≤' : '≥'} ${formatRatio(r, r.target)}`} |`,
      );
  }
  const open = openLoopTable(results.openLoop);
  if (open.length) out.push('', ...open);
  const accounts = accountsTable(results.accounts);
  if (accounts.length) out.push('', ...accounts);
  if (results.memory.length) {
    out.push(
      '',
      '| memory | signed-in users | RSS before MB | RSS after MB | RSS growth MB | heap growth MB | store growth MB |',
      '|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const m of results.memory as (MemoryFigures & { server: string })[]) {
      out.push(
        `| ${m.server} | ${m.sessions} | ${m.rssBeforeMB} | ${m.rssAfterMB} | ${m.rssGrowthMB} | ${m.heapGrowthMB} | ${m.redisGrowthMB ?? m.fileGrowthMB ?? '–'} |`,
      );
    }
  }
  const stages = Object.entries(results.usage);
  if (stages.length) {
    out.push('', '| our service | RSS MB | V8 heap MB | V8 heap used MB | external MB |', '|---|--:|--:|--:|--:|');
    for (const [stage, u] of stages) out.push(`| ${stage} | ${u.rssMB} | ${u.heapTotalMB} | ${u.heapUsedMB} | ${u.externalMB} |`);
    const growth = loginGrowth(results.usage);
    if (growth) out.push('', `memory after the login runs: ${growth.text}`);
  }
  if (results.targets.length) {
    out.push('', ...results.targets.map((t) => `- ${t.met === null ? 'MEASURED' : t.met ? 'MET' : 'NOT MET'}: ${t.target} — ${t.detail}`));
  }
  return out.join('\n');
}
