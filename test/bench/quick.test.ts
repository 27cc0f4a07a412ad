import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The benchmark harness, run the way `npm run bench -- --quick` runs it, so
 * that it never rots: on the embedded store with every scenario, on Redis with
 * the scenarios whose baseline has a Redis adapter of its own, open loop, and
 * across cores. It asserts that every scenario ran against every baseline and
 * produced figures and judged ratios without errors — never how fast anything was.
 */
const run = promisify(execFile);
const LEVELS = [1, 2];
const TOKENS = ['client_credentials', 'refresh', 'introspection', 'userinfo', 'revocation', 'discovery', 'jwks'];

interface Results {
  machine: { allowedCores: Record<string, string | undefined> };
  rows: {
    server: string;
    scenario: string;
    concurrency: number;
    throughput: number;
    ok: number;
    errors: number;
    firstError?: string;
    p99: number;
    serverMainCpuMs?: number;
    redisTripsPerIteration?: number;
  }[];
  ratios: { what: string; concurrency: number; ratio: number; target?: number; atMost?: boolean; met?: boolean }[];
  openLoop: { rate: number; ofCeiling?: number; offered: number; ok: number; errors: number; firstError?: string; steps?: Record<string, { p99: number }> }[];
  memory: { server: string; sessions: number; rssGrowthMB: number }[];
  usage: Record<string, { rssMB: number }>;
  targets: { target: string; met: boolean | null }[];
  table: string;
}

async function bench(args: string[], timeout: number): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    await run(process.execPath, ['bench/run.ts', '--quick', '--warmup', '0.2', ...args, '--out', out], { timeout, maxBuffer: 10 * 1024 * 1024 });
    return JSON.parse(readFileSync(out, 'utf8')) as Results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each (server, scenario) ran at each level, without an error. */
function expectRows(results: Results, expected: string[][], levels: number[]) {
  for (const [server, scenario] of expected) {
    for (const c of levels) {
      const row = results.rows.find((r) => r.server === server && r.scenario === scenario && r.concurrency === c);
      expect({ server, scenario, c, ok: (row?.ok ?? 0) > 0, errors: row?.errors, firstError: row?.firstError }).toEqual({
        server,
        scenario,
        c,
        ok: true,
        errors: 0,
        firstError: undefined,
      });
      expect(Number.isFinite(row!.p99)).toBe(true);
    }
  }
}

/** A ratio of the run, judged against its target. */
const ratio = (results: Results, what: RegExp, c: number) => results.ratios.find((r) => what.test(r.what) && r.concurrency === c);

test('npm run bench --quick completes on the embedded store with figures for every scenario and baseline', async () => {
  const results = await bench(['--store', 'embedded', '--duration', '1', '--concurrency', LEVELS.join(','), '--sessions', '200', '--accounts', '60'], 200_000);
  expectRows(
    results,
    [
      ['argon2', 'verify'],
      ['idp', 'login'],
      ['plain-store', 'login'],
      ['koa', 'hello'],
      ...TOKENS.flatMap((t) => [
        ['plain-store', t],
        ['idp', t],
      ]),
      // The in-memory floor, except revocation (its adapter keeps fewer tokens than a run revokes).
      ...TOKENS.filter((t) => t !== 'revocation').map((t) => ['plain', t]),
    ],
    LEVELS,
  );
  expect(results.rows.some((r) => r.server === 'plain' && r.scenario === 'revocation')).toBe(false);
  for (const c of LEVELS) {
    for (const t of TOKENS)
      expect(ratio(results, new RegExp(`^${t} / plain-store$`), c)).toEqual(expect.objectContaining({ target: 0.8, met: expect.any(Boolean) }));
    const cpu = ratio(results, /^login main-thread CPU/, c)!;
    expect(cpu).toEqual(expect.objectContaining({ target: 2, atMost: true, met: cpu.ratio <= 2 }));
    const ours = results.rows.find((r) => r.server === 'idp' && r.scenario === 'login' && r.concurrency === c)!;
    const floor = results.rows.find((r) => r.server === 'plain-store' && r.scenario === 'login' && r.concurrency === c)!;
    expect(cpu.ratio).toBeCloseTo(ours.serverMainCpuMs! / floor.serverMainCpuMs!, 5);
  }
  expect(results.memory).toEqual([expect.objectContaining({ server: 'idp', sessions: 200, rssGrowthMB: expect.any(Number) })]);
  expect(results.targets.map((t) => t.target)).toEqual(
    expect.arrayContaining([
      expect.stringContaining('token endpoints ≥ 90% of plain node-oidc-provider on the same store (SQLite)'),
      expect.stringContaining("a login's main-thread CPU outside argon2 ≤ 2× the floor's"),
    ]),
  );
  expect(results.table).toContain('| login');
  expect(results.table).toContain('| vs plain-store (same store)');
}, 240_000);

test('on Redis, plain node-oidc-provider has a Redis adapter of its own, and a login its round trips judged', async () => {
  const results = await bench(
    ['--store', 'redis', '--duration', '1', '--concurrency', '1', '--scenarios', 'login,refresh,userinfo,revocation', '--accounts', '30'],
    120_000,
  );
  expectRows(
    results,
    [
      ['idp', 'login'],
      ['plain-store', 'login'],
      ...['refresh', 'userinfo', 'revocation'].flatMap((t) => [
        ['plain-store', t],
        ['idp', t],
      ]),
    ],
    [1],
  );
  // Both make their store calls on Redis: round trips are counted for each.
  const trips = results.rows.filter((r) => r.scenario === 'login').map((r) => r.redisTripsPerIteration);
  expect(trips).toEqual([expect.any(Number), expect.any(Number)]);
  expect(Math.min(...(trips as number[]))).toBeGreaterThan(5);
  const judged = ratio(results, /^login Redis round trips/, 1)!;
  expect(judged).toEqual(expect.objectContaining({ target: 15, atMost: true, met: judged.ratio <= 15 }));
  expect(results.targets.map((t) => t.target)).toEqual(expect.arrayContaining([expect.stringContaining('≤ 15 Redis round trips per login (judged at c=1')]));
}, 150_000);

test('npm run bench --rate runs open-loop logins at a rate per second and at a multiple of the login ceiling', async () => {
  const results = await bench(
    ['--store', 'embedded', '--scenarios', 'login', '--concurrency', '2', '--rate', '2,1x', '--arrivals', 'fixed', '--duration', '1', '--accounts', '30'],
    100_000,
  );
  // The ceiling is the closed-loop login run before them (with its floor).
  expect(results.rows.map((r) => `${r.server}.${r.scenario}`)).toEqual(['idp.login', 'plain-store.login']);
  expect(results.openLoop).toHaveLength(2);
  expect(results.openLoop[0]!.rate).toBe(2);
  expect(results.openLoop[1]!.ofCeiling).toBe(1);
  expect(results.openLoop[1]!.rate).toBe(Math.round(results.rows[0]!.throughput * 10) / 10);
  for (const r of results.openLoop) {
    expect({ ok: r.ok > 0, errors: r.errors, firstError: r.firstError }).toEqual({ ok: true, errors: 0, firstError: undefined });
    expect(Object.keys(r.steps ?? {})).toEqual(expect.arrayContaining(['authorize', 'password', 'token', 'wait']));
  }
  expect(Object.keys(results.usage)).toEqual(['afterStart', 'afterSeed', 'afterLogins', 'afterLoad']);
  expect(results.table).toContain('| open-loop login');
}, 120_000);

(availableParallelism() >= 2 ? test : test.skip)(
  'npm run bench --pin runs the generator on one core and every server on the other',
  async () => {
    const results = await bench(
      ['--store', 'embedded', '--pin', '--scenarios', 'login,argon2', '--concurrency', '1', '--duration', '1', '--accounts', '20'],
      100_000,
    );
    expect(results.machine.allowedCores).toEqual({ generator: '0', argon2: '1', 'plain-store': '1', idp: '1' });
    expectRows(
      results,
      [
        ['argon2', 'verify'],
        ['idp', 'login'],
        ['plain-store', 'login'],
      ],
      [1],
    );
    expect(results.targets).toEqual(
      expect.arrayContaining([{ target: expect.stringContaining('logins/s over argon2/s, across cores'), met: null, detail: expect.any(String) }]),
    );
  },
  120_000,
);

test('bench/trace-login.ts shows each request of a login with its CPU, profile and store calls, ours next to the floor', async () => {
  const { stdout } = await run(process.execPath, ['bench/trace-login.ts', '--store', 'embedded', '--logins', '3', '--profile'], {
    timeout: 90_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  // One line per step in each table: CPU and store calls (ours, floor), then the profile's.
  for (const step of ['authorize', 'loginPage', 'password', 'code', 'return', 'token']) {
    expect(stdout).toMatch(
      new RegExp(`^\\| ${step} \\| (GET|POST) /\\S+ \\| \\d+\\.\\d\\d \\(\\d+\\.\\d\\d\\) \\| \\d+ \\| (GET|POST) /\\S+ \\| \\d+\\.\\d\\d`, 'm'),
    );
    expect(stdout).toMatch(new RegExp(`^\\| ${step} \\| [^|]*hottest: [^|]+\\| [^|]*hottest: `, 'm'));
  }
  expect(stdout).toMatch(/^\| login \| \| \d+\.\d\d \(\d+\.\d\d\) \| \d+ \|/m);
  for (const who of ['## our service on SQLite', '## plain node-oidc-provider on SQLite (the floor)']) {
    const part = stdout.slice(stdout.indexOf(who));
    expect(part).toMatch(/^POST \/token: [1-9]\d* store calls\n {4}\S+/m);
  }
}, 120_000);

test('npm run bench --scenarios accounts seeds each size on Redis and SQLite and times every question, with the targets judged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    await run(process.execPath, ['bench/run.ts', '--quick', '--scenarios', 'accounts', '--accounts', '150,400', '--out', out], {
      timeout: 150_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      accounts: ({ store: string; accounts: number; endPassDue: { accounts: number } } & Record<string, { n: number; errors: number; p95: number }>)[];
      targets: { target: string; met: boolean | null }[];
      table: string;
    };
    expect(results.accounts.map((r) => `${r.store} ${r.accounts}`)).toEqual(['redis 150', 'redis 400', 'embedded 150', 'embedded 400']);
    for (const r of results.accounts) {
      for (const question of ['lookupUserName', 'lookupExternalId', 'searchBroad', 'searchAddress', 'listPage']) {
        expect({ question, n: r[question]!.n, errors: r[question]!.errors, timed: Number.isFinite(r[question]!.p95) }).toEqual({
          question,
          n: 30,
          errors: 0,
          timed: true,
        });
      }
      expect(r.endPassDue.accounts).toBe(Math.max(1, Math.round(r.accounts / 100)));
    }
    expect(results.targets.filter((t) => t.target.includes('RSS within 50 MB'))).toHaveLength(2);
    expect(results.table).toContain('bytes per account (MEMORY USAGE)');
    expect(results.table).toContain('17 million accounts at');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
