/**
 * npm run bench — starts our service (Redis by default, --store embedded for
 * SQLite) and the baselines (plain node-oidc-provider on the same store and in
 * memory, bare koa, argon2), each in a process of its own, seeds what the
 * scenarios need, drives them from this process, prints a table and writes
 * the figures as JSON under bench/results/. docs/performance.md shows a run.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateJwks } from '../src/oidc/keys.ts';
import { parseOptions, selected, type Options } from './options.ts';
import { allowedCores, startServer, type ServerProcess } from './ipc.ts';
import { closedLoop, type Figures } from './load.ts';
import { openLoop } from './open-loop.ts';
import { accountsFor, defaultMaxInFlight, loginAtRates, type Knee, type RateRow } from './rates.ts';
import { HttpClient } from './http.ts';
import { AccountPool } from './account-pool.ts';
import { loginScenario } from './scenarios/login.ts';
import { loginFloorScenario } from './scenarios/login-floor.ts';
import { pinGenerator, SERVICE_CORE } from './pin.ts';
import { revokedCheck, revocationBudget, TOKEN_SCENARIOS, tokenScenarios, type TokenScenario } from './scenarios/tokens.ts';
import { CLIENTS, type BenchAccount, type MintedTokens } from './fixture.ts';
import { table, type CpuFigures, type Results, type Row, type Usage } from './report.ts';
import { judge } from './targets.ts';
import { redisCpuReader } from './redis-cpu.ts';
import { accountsScenario, type AccountsRun } from './scenarios/accounts.ts';
import { accountsTargets } from './report-accounts.ts';
import { dropKeys } from '../test/support/redis-keys.ts';
import type { StoreCounts } from './servers/counting-store.ts';
import type { MemoryFigures } from './servers/memory.ts';

/** What a server's `cpu` call answers (bench/server.ts): ms so far, the whole process and its main thread. */
type ServerCpu = { total: number; main: number };

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const sum = (table: Record<string, number>) => Object.values(table).reduce((a, b) => a + b, 0);
const perIteration = (n: number, f: { total: number }) => Math.round((n / Math.max(f.total, 1)) * 10) / 10;

async function main(o: Options): Promise<Results> {
  const work = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-'));
  const jwksFile = join(work, 'jwks.json');
  const clientsFile = join(work, 'clients.json');
  // One key set for our service and the plain baseline: same key types, same signing cost.
  writeFileSync(jwksFile, JSON.stringify(await generateJwks()));
  writeFileSync(clientsFile, JSON.stringify(CLIENTS));
  const prefix = `bench:${randomBytes(6).toString('hex')}:`;
  const rows: Row[] = [];
  const openLoopRows: RateRow[] = [];
  let knee: Knee | undefined;
  const memory: (MemoryFigures & { server: string })[] = [];
  const accountRuns: AccountsRun[] = [];
  /** Our service's memory after start, after seeding, after the login runs and after all load scenarios. */
  const usage: Results['usage'] = {};
  const load = (concurrency: number, iteration: (vu: number) => Promise<Record<string, number> | void>) =>
    closedLoop({ concurrency, durationS: o.durationS, warmupS: o.warmupS, iteration });
  /** A run with the CPU time it cost, per iteration, in `server` and in this process. */
  const redisCpu = o.store === 'redis' ? redisCpuReader(o.redisUrl) : undefined;
  const measured = async <F extends { total: number }>(server: ServerProcess, run: () => Promise<F>): Promise<F & CpuFigures> => {
    const serverBefore = await server.call<ServerCpu>('cpu');
    const redisBefore = await redisCpu?.read();
    const own = process.cpuUsage();
    const figures = await run();
    const ownUsed = process.cpuUsage(own);
    const serverAfter = await server.call<ServerCpu>('cpu');
    const redisAfter = await redisCpu?.read();
    const per = (ms: number) => Math.round((ms / Math.max(figures.total, 1)) * 100) / 100;
    return {
      ...figures,
      serverCpuMs: per(serverAfter.total - serverBefore.total),
      serverMainCpuMs: per(serverAfter.main - serverBefore.main),
      generatorCpuMs: per((ownUsed.user + ownUsed.system) / 1000),
      redisCpuMs: redisCpu && per(redisAfter! - redisBefore!),
    };
  };
  const say = (r: Row) =>
    log(
      `  ${r.server}.${r.scenario} c=${r.concurrency}: ${r.throughput}/s p50 ${r.p50} p99 ${r.p99} ms${r.errors ? ` errors ${r.errors} (${r.firstError})` : ''}`,
    );
  const maxC = Math.max(...o.concurrency);

  const servers: ServerProcess[] = [];
  const start = async (kind: string, options: Record<string, unknown>) => {
    const server = await startServer(kind, options, o.pin ? SERVICE_CORE : undefined);
    servers.push(server);
    return server;
  };
  const record = (row: Row) => {
    rows.push(row);
    say(row);
  };

  /** One token scenario at one concurrency, on tokens minted for it (access tokens live ten minutes,
   * and the plain baseline's memory adapter keeps only the latest 1,000 entries of all models). */
  const tokenRun = async (server: ServerProcess, http: HttpClient, name: Row['server'], scenario: TokenScenario, c: number) => {
    const revocable =
      scenario === 'revocation'
        ? revocationBudget(
            rows.find((r) => r.server === name && r.scenario === 'introspection' && r.concurrency === c),
            o,
          )
        : 0;
    const tokens = await server.call<MintedTokens>('mint', { count: c, revocable });
    const scenarios = tokenScenarios(http, tokens);
    const counted = name !== 'plain';
    if (counted) await server.call('counts');
    const row: Row = { server: name, scenario, ...(await measured(server, () => load(c, scenarios[scenario]))) };
    if (counted) withCounts(row, await server.call<StoreCounts>('counts'));
    if (scenario === 'revocation') await revokedCheck(http, tokens);
    record(row);
  };

  /** One open-loop login run at `rate` per second, with enough accounts for it. */
  const loginAtRate = async (idp: ServerProcess, pool: AccountPool, rate: number): Promise<RateRow> => {
    if (pool.size < accountsFor(rate)) {
      pool.add(await idp.call<BenchAccount[]>('seed', { count: accountsFor(rate) - pool.size, offset: pool.size }));
      log(`  seeded up to ${pool.size} accounts for ${rate}/s`);
    }
    const maxInFlight = o.maxInFlight ?? defaultMaxInFlight(rate);
    const http = new HttpClient(idp.url, maxInFlight);
    try {
      const login = await loginScenario(http, pool);
      await idp.call('counts');
      pool.waits = 0;
      const figures = await measured(idp, () =>
        openLoop({ rate, arrivals: o.arrivals, durationS: o.durationS, warmupS: o.warmupS, maxInFlight, iteration: login }),
      );
      const row: RateRow = { server: 'idp', scenario: 'login', ...figures, accountWaits: pool.waits };
      withCounts(row, await idp.call<StoreCounts>('counts'));
      log(
        `  idp.login at ${rate}/s: ${row.throughput}/s done, p50 ${row.p50} p99 ${row.p99} ms, ${row.dropped} dropped, ${row.late} late${row.errors ? `, errors ${row.errors} (${row.firstError})` : ''}`,
      );
      return row;
    } finally {
      http.close();
    }
  };

  // Ctrl-C: stop the servers and drop the Redis keys all the same.
  const interrupted = async () => {
    log('interrupted: cleaning up');
    await Promise.all(servers.map((server) => server.stop()));
    redisCpu?.close();
    if (o.store === 'redis') await dropKeys(prefix);
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  /** --cpu-prof: profiles of the servers' main threads over the measured runs (seeding left out). */
  const profiled: { server: ServerProcess; file: string }[] = [];
  const profile = async (server: ServerProcess | undefined, kind: string) => {
    if (!o.cpuProf || !server) return;
    mkdirSync(join(RESULTS, 'profiles'), { recursive: true });
    await server.call('profile', {});
    profiled.push({ server, file: join(RESULTS, 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-${o.store}-${kind}.cpuprofile`) });
  };

  try {
    if (o.pin) pinGenerator();
    // Every server up at once, each in its own process; each baseline runs right
    // next to the scenario it bounds, so that a noisy neighbour skews both alike.
    const wantLogin = selected(o, 'idp', 'login');
    const openLoopLogins = wantLogin && (o.rates.length > 0 || o.knee);
    const wantArgon2 = selected(o, 'argon2', 'verify') || selected(o, 'argon2', 'argon2');
    const wantFloor = wantLogin && selected(o, 'plain-store', 'login');
    const wantMemory = selected(o, 'memory', 'memory') || selected(o, 'idp', 'memory');
    const wantKoa = selected(o, 'koa', 'hello');
    // Not revocation: the memory adapter keeps 1,000 entries, fewer than a run revokes, so most would revoke nothing.
    const plainNames = TOKEN_SCENARIOS.filter((s) => s !== 'revocation' && selected(o, 'plain', s));
    const storeNames = TOKEN_SCENARIOS.filter((s) => selected(o, 'plain-store', s));
    const idpNames = TOKEN_SCENARIOS.filter((s) => selected(o, 'idp', s));
    const argon2 = wantArgon2 ? await start('argon2', {}) : undefined;
    const koa = wantKoa ? await start('koa', {}) : undefined;
    const plain = plainNames.length ? await start('plain', { jwksFile }) : undefined;
    let plainStore: ServerProcess | undefined;
    let floorAccounts: BenchAccount[] = [];
    if (wantFloor || storeNames.length) {
      plainStore = await start('plain-store', { store: o.store, redisUrl: o.redisUrl, prefix: `${prefix}plain:`, dataDir: join(work, 'plain'), jwksFile });
      floorAccounts = await plainStore.call<BenchAccount[]>('seed', { count: wantFloor ? o.accounts : 100 });
      await profile(plainStore, 'plain-store');
    }
    let idp: ServerProcess | undefined;
    let accounts: BenchAccount[] = [];
    if (wantLogin || wantMemory || idpNames.length) {
      idp = await start('idp', { store: o.store, redisUrl: o.redisUrl, prefix, dataDir: join(work, 'data'), clientsFile, jwksFile });
      usage.afterStart = await idp.call<Usage>('usage');
      accounts = await idp.call<BenchAccount[]>('seed', { count: wantLogin ? o.accounts : 100 });
      usage.afterSeed = await idp.call<Usage>('usage');
      log(`our service on ${o.store}: seeded ${accounts.length} accounts (password + authenticator app)`);
      await profile(idp, 'idp');
    }

    if (wantArgon2 || wantLogin) {
      log(
        `full login, its floor (plain node-oidc-provider on the same store), and argon2id verification at m=19456 t=2 p=1${o.pin ? '; generator on one core, servers on the other' : ''}`,
      );
      const pool = new AccountPool(accounts);
      const http = idp && new HttpClient(idp.url, maxC);
      const login = http && wantLogin ? await loginScenario(http, pool) : undefined;
      const floorPool = new AccountPool(floorAccounts);
      const floorHttp = plainStore && wantFloor ? new HttpClient(plainStore.url, maxC) : undefined;
      const floorLogin = floorHttp && (await loginFloorScenario(floorHttp, floorPool));
      const loginRun = async (
        server: ServerProcess,
        name: Row['server'],
        accountPool: AccountPool,
        iteration: () => Promise<Record<string, number>>,
        c: number,
      ) => {
        await server.call('counts');
        accountPool.waits = 0;
        const row: Row = { server: name, scenario: 'login', ...(await measured(server, () => load(c, iteration))) };
        row.accountWaits = accountPool.waits;
        withCounts(row, await server.call<StoreCounts>('counts'));
        record(row);
      };
      for (const c of o.concurrency) {
        if (argon2) {
          const run = () => argon2.call<Figures>('run', { concurrency: c, durationS: o.durationS, warmupS: o.warmupS });
          // The verifications run inside the argon2 process: all of their CPU is "server".
          record({ server: 'argon2', scenario: 'verify', ...(await measured(argon2, run)), generatorCpuMs: undefined });
        }
        if (idp && login) await loginRun(idp, 'idp', pool, login, c);
        if (plainStore && floorLogin) await loginRun(plainStore, 'plain-store', floorPool, floorLogin, c);
      }
      http?.close();
      floorHttp?.close();
      if (idp && openLoopLogins) {
        // The login ceiling: the highest closed-loop logins/s of this run.
        const ceilings = rows.filter((r) => r.server === 'idp' && r.scenario === 'login').map((r) => r.throughput);
        const ceiling = ceilings.length ? Math.max(...ceilings) : undefined;
        log(`open-loop logins${ceiling ? ` (login ceiling ${ceiling}/s)` : ''}`);
        const result = await loginAtRates(o, ceiling, (rate) => loginAtRate(idp!, pool, rate));
        openLoopRows.push(...result.rows);
        knee = result.knee;
      }
      if (idp && login) usage.afterLogins = await idp.call<Usage>('usage');
    }

    if (koa) {
      log('bare koa (the HTTP floor)');
      const http = new HttpClient(koa.url, maxC);
      for (const c of o.concurrency) {
        const hello = async () => {
          if ((await http.send('GET', '/')).status !== 200) throw new Error('koa answered other than 200');
        };
        record({ server: 'koa', scenario: 'hello', ...(await measured(koa, () => load(c, hello))) });
      }
      http.close();
    }

    if (plainNames.length || storeNames.length || idpNames.length) {
      log('token endpoints: plain node-oidc-provider in memory (the floor) and on the same store (the baseline), then ours');
      const plainHttp = plain && new HttpClient(plain.url, maxC);
      const storeHttp = plainStore && new HttpClient(plainStore.url, maxC);
      const idpHttp = idp && new HttpClient(idp.url, maxC);
      for (const scenario of TOKEN_SCENARIOS) {
        for (const c of o.concurrency) {
          if (plain && plainHttp && plainNames.includes(scenario)) await tokenRun(plain, plainHttp, 'plain', scenario, c);
          if (plainStore && storeHttp && storeNames.includes(scenario)) await tokenRun(plainStore, storeHttp, 'plain-store', scenario, c);
          if (idp && idpHttp && idpNames.includes(scenario)) await tokenRun(idp, idpHttp, 'idp', scenario, c);
        }
      }
      plainHttp?.close();
      storeHttp?.close();
      idpHttp?.close();
    }

    if (o.scenarios.some((name) => name === 'accounts' || name === 'idp.accounts')) {
      log(`accounts at ${o.accountSizes.join(', ')}: SCIM lookups, console search, list pages and the account-end job, on Redis and SQLite`);
      accountRuns.push(
        ...(await accountsScenario({ sizes: o.accountSizes, iterations: o.quick ? 30 : 200, redisUrl: o.redisUrl, stores: ['redis', 'embedded'], jwksFile })),
      );
    }

    if (idp) usage.afterLoad = await idp.call<Usage>('usage');
    if (idp && wantMemory) {
      log(`memory: ${o.sessions} signed-in users`);
      memory.push({ server: 'idp', ...(await idp.call<MemoryFigures>('memory', { sessions: o.sessions })) });
    }
    for (const { server, file } of profiled) {
      await server.call('profile', { file });
      log(`CPU profile: ${file}`);
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    redisCpu?.close();
    if (o.store === 'redis') await dropKeys(prefix);
    rmSync(work, { recursive: true, force: true });
  }

  const judged = judge({ rows, memory, usage, openLoop: openLoopRows, knee }, o);
  return {
    machine: await machine(o, servers),
    options: { ...o },
    startedAt: new Date().toISOString(),
    rows,
    openLoop: openLoopRows,
    ...(knee ? { knee } : {}),
    memory,
    usage,
    accounts: accountRuns,
    ...judged,
    targets: [...judged.targets, ...accountsTargets(accountRuns)],
  };
}

function withCounts(
  row: Pick<Row, 'total' | 'counts' | 'storeOpsPerIteration' | 'redisCommandsPerIteration' | 'redisTripsPerIteration'>,
  counts: StoreCounts,
): void {
  row.counts = counts;
  row.storeOpsPerIteration = perIteration(sum(counts.ops), row);
  if (Object.keys(counts.redisCommands).length) {
    row.redisCommandsPerIteration = perIteration(sum(counts.redisCommands), row);
    row.redisTripsPerIteration = perIteration(counts.redisWrites, row);
  }
}

async function machine(o: Options, servers: ServerProcess[]): Promise<Record<string, unknown>> {
  const info: Record<string, unknown> = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    os: `${osType()} ${release()}`,
    node: process.version,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    store: o.store,
    // --pin: where the kernel lets each process run, read back rather than assumed.
    allowedCores: { generator: allowedCores('self'), ...Object.fromEntries(servers.map((server) => [server.kind, server.cores])) },
  };
  if (o.store === 'redis') {
    const redis = new Redis(o.redisUrl, { lazyConnect: true });
    await redis.connect();
    info.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    redis.disconnect();
  }
  return info;
}

const options = parseOptions(process.argv.slice(2));
const results = await main(options);
const text = table(results);
process.stdout.write(`\n${text}\n`);
mkdirSync(RESULTS, { recursive: true });
const out = options.out ?? join(RESULTS, `${results.startedAt.replace(/[:.]/g, '-')}-${options.store}.json`);
writeFileSync(out, `${JSON.stringify({ ...results, table: text }, null, 2)}\n`);
log(`\nwritten to ${out}`);
