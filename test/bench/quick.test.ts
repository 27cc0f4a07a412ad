import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The benchmark harness, run the way `npm run bench -- --quick` runs it, on
 * the embedded store, so that it never rots. It asserts that every scenario
 * ran and produced figures without errors — never how fast anything was.
 */
const run = promisify(execFile);
const LEVELS = [1, 2];

test('npm run bench --quick completes on the embedded store with figures for every scenario', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    await run(process.execPath, [
      'bench/run.ts', '--quick', '--store', 'embedded', '--duration', '1.5', '--warmup', '0.2',
      '--concurrency', LEVELS.join(','), '--sessions', '200', '--accounts', '60', '--out', out,
    ], { timeout: 150_000, maxBuffer: 10 * 1024 * 1024 });
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      rows: { server: string; scenario: string; concurrency: number; ok: number; errors: number; firstError?: string; p99: number }[];
      memory: { server: string; sessions: number; rssGrowthMB: number }[];
      targets: unknown[];
      table: string;
    };
    const tokens = ['client_credentials', 'refresh', 'introspection', 'userinfo', 'discovery', 'jwks'];
    const expected = [
      ['argon2', 'verify'], ['idp', 'login'], ['koa', 'hello'],
      ...tokens.flatMap((t) => [['plain', t], ['idp', t]]),
    ];
    for (const [server, scenario] of expected) {
      for (const c of LEVELS) {
        const row = results.rows.find((r) => r.server === server && r.scenario === scenario && r.concurrency === c);
        expect({ server, scenario, c, ok: (row?.ok ?? 0) > 0, errors: row?.errors, firstError: row?.firstError })
          .toEqual({ server, scenario, c, ok: true, errors: 0, firstError: undefined });
        expect(Number.isFinite(row!.p99)).toBe(true);
      }
    }
    expect(results.memory).toEqual([expect.objectContaining({ server: 'idp', sessions: 200, rssGrowthMB: expect.any(Number) })]);
    expect(results.targets.length).toBeGreaterThan(0);
    expect(results.table).toContain('| login');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

test('npm run bench --rate runs open-loop logins at a rate per second and at a multiple of the argon2 ceiling', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    await run(process.execPath, [
      'bench/run.ts', '--quick', '--store', 'embedded', '--scenarios', 'login', '--concurrency', '2', '--rate', '2,1x', '--arrivals', 'fixed',
      '--duration', '1', '--warmup', '0.2', '--accounts', '30', '--out', out,
    ], { timeout: 100_000, maxBuffer: 10 * 1024 * 1024 });
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      rows: { server: string; scenario: string }[];
      openLoop: { rate: number; ofCeiling?: number; offered: number; ok: number; errors: number; firstError?: string; steps?: Record<string, { p99: number }> }[];
      usage: Record<string, { rssMB: number }>;
      table: string;
    };
    // The ceiling is measured first, for the relative rate; no closed-loop login runs.
    expect(results.rows.map((r) => `${r.server}.${r.scenario}`)).toEqual(['argon2.verify']);
    expect(results.openLoop).toHaveLength(2);
    expect(results.openLoop[0]!.rate).toBe(2);
    expect(results.openLoop[1]!.ofCeiling).toBe(1);
    for (const r of results.openLoop) {
      expect({ ok: r.ok > 0, errors: r.errors, firstError: r.firstError }).toEqual({ ok: true, errors: 0, firstError: undefined });
      expect(Object.keys(r.steps ?? {})).toEqual(expect.arrayContaining(['authorize', 'password', 'token', 'wait']));
    }
    expect(Object.keys(results.usage)).toEqual(['afterStart', 'afterSeed', 'afterLogins', 'afterLoad']);
    expect(results.table).toContain('| open-loop login');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
