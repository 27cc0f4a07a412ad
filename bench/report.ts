import type { Figures } from './load.ts';
import type { MemoryFigures } from './servers/memory.ts';
import type { StoreCounts } from './servers/counting-store.ts';
import { TOKEN_SCENARIOS } from './scenarios/tokens.ts';
import type { Knee, RateRow } from './rates.ts';
import { openLoopTable, openLoopTargets } from './report-open-loop.ts';

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
  server: 'idp' | 'plain' | 'koa' | 'argon2';
  scenario: string;
  /** Store operations and Redis commands per completed iteration (our service only). */
  storeOpsPerIteration?: number;
  redisCommandsPerIteration?: number;
  /** Redis socket writes (round trips) per iteration; exact at concurrency 1, where nothing is batched across requests. */
  redisTripsPerIteration?: number;
  counts?: StoreCounts;
  /** Login only: how often a virtual user waited for an account with an unused TOTP step. */
  accountWaits?: number;
}

/** A server's memory at one stage of the run (MB; bench/server.ts, op usage). */
export interface Usage { rssMB: number; heapTotalMB: number; heapUsedMB: number; externalMB: number; arrayBuffersMB: number }

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
  ratios: { what: string; concurrency: number; ratio: number; target?: number; met?: boolean }[];
  targets: { target: string; met: boolean | null; detail: string }[];
}

/** The issue's targets: logins against the argon2 ceiling, token endpoints against plain node-oidc-provider. */
const loginTarget = (c: number) => (c <= 2 ? 0.8 : 0.85);
const tokenTarget = (c: number) => (c <= 1 ? 0.7 : 0.9);

const find = (rows: Row[], server: string, scenario: string, c: number) => rows.find((r) => r.server === server && r.scenario === scenario && r.concurrency === c);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Ratios against the baselines of the same run, and the issue's targets. */
export function judge({ rows, memory, usage, openLoop, knee }: Pick<Results, 'rows' | 'memory' | 'usage' | 'openLoop' | 'knee'>, store: string): Pick<Results, 'ratios' | 'targets'> {
  const ratios: Results['ratios'] = [];
  const targets: Results['targets'] = [];
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);

  const loginRatios = levels.flatMap((c) => {
    const login = find(rows, 'idp', 'login', c);
    const ceiling = find(rows, 'argon2', 'verify', c);
    return login && ceiling && ceiling.throughput ? [{ what: 'login / argon2', concurrency: c, ratio: login.throughput / ceiling.throughput, target: loginTarget(c) }] : [];
  });
  for (const r of loginRatios) ratios.push({ ...r, met: r.ratio >= r.target });
  if (loginRatios.length) {
    const missed = loginRatios.filter((r) => r.ratio < r.target);
    const worst = loginRatios.reduce((a, b) => (a.ratio - a.target < b.ratio - b.target ? a : b));
    targets.push({ target: 'full logins/s ≥ 85% of the argon2 ceiling (≥ 80% at c ≤ 2)', met: missed.length === 0, detail: `furthest from its target: ${pct(worst.ratio)} at c=${worst.concurrency}` });
  }
  for (const c of levels) {
    const login = find(rows, 'idp', 'login', c);
    const ceiling = find(rows, 'argon2', 'verify', c);
    if (login?.serverCpuMs && ceiling?.serverCpuMs) {
      // CPU per verification over CPU per full login (server and load generator): the
      // throughput ratio a machine would show with nothing else running on it.
      const ratio = ceiling.serverCpuMs / (login.serverCpuMs + (login.generatorCpuMs ?? 0));
      ratios.push({ what: 'login / argon2 by CPU time', concurrency: c, ratio, target: loginTarget(c), met: ratio >= loginTarget(c) });
    }
  }
  const tokenRatios = TOKEN_SCENARIOS.flatMap((scenario) => levels.flatMap((c) => {
    const ours = find(rows, 'idp', scenario, c);
    const plain = find(rows, 'plain', scenario, c);
    return ours && plain && plain.throughput ? [{ what: `${scenario} / plain`, concurrency: c, ratio: ours.throughput / plain.throughput, target: tokenTarget(c) }] : [];
  }));
  for (const r of tokenRatios) ratios.push({ ...r, met: r.ratio >= r.target });
  const cpu = (r: Row | undefined) => (r?.serverCpuMs ?? 0) + (r?.generatorCpuMs ?? 0);
  for (const scenario of TOKEN_SCENARIOS) {
    for (const c of levels) {
      const ours = find(rows, 'idp', scenario, c);
      const plain = find(rows, 'plain', scenario, c);
      // Redis' own CPU is not in it (a shared server's INFO would count other users' work).
      if (cpu(ours) && cpu(plain)) ratios.push({ what: `${scenario} / plain by CPU time`, concurrency: c, ratio: cpu(plain) / cpu(ours), target: tokenTarget(c), met: cpu(plain) / cpu(ours) >= tokenTarget(c) });
    }
  }
  if (tokenRatios.length) {
    const worst = tokenRatios.reduce((a, b) => (a.ratio < b.ratio ? a : b));
    targets.push({
      target: `token endpoints ≥ 90% of plain oidc-provider, ≥ 70% at c=1 (store: ${store}; the target is for redis)`,
      met: tokenRatios.every((r) => r.ratio >= r.target),
      detail: `lowest ${pct(worst.ratio)}: ${worst.what} at c=${worst.concurrency}`,
    });
  }
  const ours = memory.find((m) => (m as MemoryFigures & { server?: string }).server === 'idp');
  if (ours) {
    targets.push({ target: `< 150 MB RSS growth for ${ours.sessions} sessions`, met: ours.rssGrowthMB < 150, detail: `${ours.rssGrowthMB} MB` });
  }
  targets.push(...openLoopTargets(openLoop, knee));
  const growth = loginGrowth(usage);
  if (growth) targets.push({ target: 'RSS after the login runs within 100 MB of RSS after start (with its accounts seeded)', met: growth.fromSeed <= 100, detail: growth.text });
  return { ratios, targets };
}

/** Resident memory the login runs left behind, from before them (service started, accounts seeded) and from right after start. */
function loginGrowth(usage: Results['usage']): { fromSeed: number; text: string } | undefined {
  const { afterStart, afterSeed, afterLogins } = usage;
  if (!afterStart || !afterSeed || !afterLogins) return undefined;
  const delta = (from: Usage) => { const d = Math.round((afterLogins.rssMB - from.rssMB) * 10) / 10; return `${d >= 0 ? '+' : ''}${d} MB`; };
  return {
    fromSeed: afterLogins.rssMB - afterSeed.rssMB,
    text: `RSS ${afterStart.rssMB} MB after start, ${afterSeed.rssMB} MB after seeding, ${afterLogins.rssMB} MB after the login runs: ${delta(afterSeed)} (${delta(afterStart)} from start)`,
  };
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));
const num = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

/** A Markdown table, readable in a terminal and pasteable into the README. */
export function table(results: Results): string {
  const head = ['scenario', 'server', 'c', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'store ops', 'redis cmds', 'redis trips', 'cpu ms srv', 'cpu ms main', 'cpu ms gen', 'cpu ms redis'];
  const lines = results.rows.map((r) => [
    r.scenario, r.server, String(r.concurrency), num(r.throughput), num(r.p50), num(r.p95), num(r.p99), String(r.errors),
    num(r.storeOpsPerIteration), num(r.redisCommandsPerIteration), num(r.redisTripsPerIteration),
    num(r.serverCpuMs, 2), num(r.serverMainCpuMs, 2), num(r.generatorCpuMs, 2), num(r.redisCpuMs, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join(' | ')} |`;
  const out = [row(head), `|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...lines.map(row)];

  if (results.ratios.length) {
    out.push('', '| ratio | c | value | target |', '|---|--:|--:|--:|');
    for (const r of results.ratios) out.push(`| ${r.what} | ${r.concurrency} | ${pct(r.ratio)} | ${r.target === undefined ? '' : `${r.met ? '✓' : '✗'} ≥ ${pct(r.target)}`} |`);
  }
  const open = openLoopTable(results.openLoop);
  if (open.length) out.push('', ...open);
  if (results.memory.length) {
    out.push('', '| memory | signed-in users | RSS before MB | RSS after MB | RSS growth MB | heap growth MB | store growth MB |', '|---|--:|--:|--:|--:|--:|--:|');
    for (const m of results.memory as (MemoryFigures & { server: string })[]) {
      out.push(`| ${m.server} | ${m.sessions} | ${m.rssBeforeMB} | ${m.rssAfterMB} | ${m.rssGrowthMB} | ${m.heapGrowthMB} | ${m.redisGrowthMB ?? m.fileGrowthMB ?? '–'} |`);
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
