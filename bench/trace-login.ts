/**
 * Where a login's cost goes, request by request: each step's main-thread CPU
 * and which store calls it makes, in order, with the Redis commands they send
 * and the round trips they take, for our service next to its floor (plain
 * node-oidc-provider on the same store, servers/plain-store.ts), at
 * concurrency 1 (where both are exact), after two untraced logins.
 * With --profile, each step's CPU profile samples too, by package and function.
 *   npx node bench/trace-login.ts [--store redis|embedded] [--logins 30] [--profile]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateJwks } from '../src/oidc/keys.ts';
import { startServer, type ServerProcess } from './ipc.ts';
import { HttpClient } from './http.ts';
import { AccountPool } from './account-pool.ts';
import { CLIENTS, type BenchAccount } from './fixture.ts';
import { loginScenario } from './scenarios/login.ts';
import { loginFloorScenario } from './scenarios/login-floor.ts';
import type { RequestTrace } from './servers/request-trace.ts';
import { busySamples, tally, type Sample } from './profile.ts';
import { dropKeys, REDIS_URL } from '../test/support/redis-keys.ts';

const { values } = parseArgs({
  options: { store: { type: 'string', default: 'redis' }, logins: { type: 'string', default: '30' }, profile: { type: 'boolean', default: false } },
});
const store = values.store === 'embedded' ? 'embedded' : 'redis';
const storeName = store === 'redis' ? 'Redis' : 'SQLite';
const logins = Math.max(1, Math.round(Number(values.logins)) || 30);
/** "3 / 4" + "1 / 1" = "4 / 5" */
const sum = (a: string, b: string) =>
  a
    .split(' / ')
    .map((n, i) => Number(n) + Number(b.split(' / ')[i]))
    .join(' / ');

/**
 * One request's store calls as lines: on Redis by round trip, each with the
 * commands it carried and the store call that sent them ("direct": sent by
 * our code without a store call, such as the limits); on SQLite in order.
 */
function describe(trace: RequestTrace): string[] {
  const calls = trace.events.flatMap((e) => ('op' in e ? [e.op] : []));
  const trips: string[][] = [[]];
  for (const e of trace.events) {
    if ('trip' in e) trips.push([]);
    else if ('command' in e) trips.at(-1)!.push(`${e.by ?? 'direct'} ${e.command.toUpperCase()}`);
  }
  const sent = trips.filter((t) => t.length);
  if (!sent.length) return [`${trace.request}: ${calls.length} store calls`, ...calls.map((c) => `    ${c}`)];
  const commands = sent.reduce((n, t) => n + t.length, 0);
  return [
    `${trace.request}: ${calls.length} store calls, ${commands} Redis commands, ${sent.length} round trips`,
    ...sent.map((t, i) => `    ${String(i + 1).padStart(2)}. ${grouped(t)}`),
  ];
}

/** "Grant.upsert EVALSHA, Grant.upsert EVALSHA" as "Grant.upsert EVALSHA ×2"; calls in order. */
function grouped(commands: string[]): string {
  const byCall = new Map<string, string[]>();
  for (const c of commands) {
    const [call, name] = c.split(' ') as [string, string];
    byCall.set(call, [...(byCall.get(call) ?? []), name]);
  }
  return [...byCall].map(([call, names]) => `${call} ${names.join(' ')}`).join(' + ');
}

const STEPS = ['authorize', 'loginPage', 'password', 'code', 'return', 'token'];

/**
 * `logins` traced logins after two untraced ones: the last login's requests,
 * each step's mean main-thread CPU and, with --profile, each step's profile
 * samples (charged to the request that was being served when they were taken).
 */
async function traced(server: ServerProcess, login: () => Promise<unknown>, logins: number, profileFile?: string) {
  await login();
  await login();
  if (profileFile) await server.call('profile', {});
  await server.call('trace', { on: true });
  for (let i = 0; i < logins; i++) await login();
  const traces = await server.call<RequestTrace[]>('trace', { on: false });
  if (profileFile) await server.call('profile', { file: profileFile });
  if (traces.length !== logins * STEPS.length) throw new Error(`expected ${STEPS.length} requests per login, traced ${traces.length} in ${logins}`);
  const mean = (step: number, part: 'user' | 'system') => traces.filter((_, i) => i % STEPS.length === step).reduce((sum, t) => sum + t.cpu![part], 0) / logins;
  const samples: Sample[][] = STEPS.map(() => []);
  if (profileFile) {
    let i = 0;
    for (const sample of busySamples(profileFile)) {
      if (sample.at < traces[0]!.at) continue;
      while (i + 1 < traces.length && sample.at >= traces[i + 1]!.at) i++;
      samples[i % STEPS.length]!.push(sample);
    }
  }
  return { last: traces.slice(-STEPS.length), cpu: STEPS.map((_, step) => ({ user: mean(step, 'user'), system: mean(step, 'system') })), samples };
}

/** A step's profile, per login: the packages and folders its time is charged to (node internals to their caller), then its hottest functions. */
function stepProfile(samples: Sample[], logins: number): string {
  const ms = (us: number) => (us / logins / 1000).toFixed(2);
  const owners = tally(samples, (s) => s.owner)
    .slice(0, 8)
    .map(([k, us]) => `${k} ${ms(us)}`);
  const fns = tally(samples, (s) => s.fn)
    .slice(0, 4)
    .map(([k, us]) => `${k.replace(/ .*\//, ' ')} ${ms(us)}`);
  return `${owners.join(', ')}; hottest: ${fns.join(', ')}`;
}

const work = mkdtempSync(join(tmpdir(), 'cbs-idp-trace-'));
const prefix = `bench:${randomBytes(6).toString('hex')}:`;
const jwksFile = join(work, 'jwks.json');
const clientsFile = join(work, 'clients.json');
writeFileSync(jwksFile, JSON.stringify(await generateJwks()));
writeFileSync(clientsFile, JSON.stringify(CLIENTS));
const servers: ServerProcess[] = [];
try {
  const idp = await startServer('idp', { store, redisUrl: REDIS_URL, prefix, dataDir: join(work, 'data'), clientsFile, jwksFile });
  servers.push(idp);
  const floor = await startServer('plain-store', { store, redisUrl: REDIS_URL, prefix: `${prefix}plain:`, dataDir: join(work, 'plain'), jwksFile });
  servers.push(floor);
  const results = [];
  for (const [server, scenario] of [
    [idp, loginScenario],
    [floor, loginFloorScenario],
  ] as const) {
    const http = new HttpClient(server.url, 1);
    const login = await scenario(http, new AccountPool(await server.call<BenchAccount[]>('seed', { count: logins + 2 })));
    results.push(await traced(server, login, logins, values.profile ? join(work, `${results.length}.cpuprofile`) : undefined));
    http.close();
  }
  const [ours, base] = results as [Awaited<ReturnType<typeof traced>>, Awaited<ReturnType<typeof traced>>];
  const ms = (c: { user: number; system: number }) => `${(c.user + c.system).toFixed(2)} (${c.system.toFixed(2)})`;
  const trips = (t: RequestTrace) => {
    const calls = t.events.filter((e) => 'op' in e).length;
    const sent = t.events.filter((e) => 'trip' in e).length;
    return store === 'redis' ? `${calls} / ${sent}` : `${calls}`;
  };
  const total = (r: typeof ours) => r.cpu.reduce((a, c) => ({ user: a.user + c.user, system: a.system + c.system }), { user: 0, system: 0 });
  const calls = store === 'redis' ? 'store calls / Redis round trips' : 'store calls';
  const out = [
    `Main-thread CPU per request, ms (of which kernel), mean of ${logins} logins at concurrency 1 on ${storeName}:`,
    '',
    `| step | ours: request | CPU ms | ${calls} | floor: request | CPU ms | ${calls} |`,
    '|---|---|--:|--:|---|--:|--:|',
    ...STEPS.map(
      (step, i) =>
        `| ${step} | ${ours.last[i]!.request} | ${ms(ours.cpu[i]!)} | ${trips(ours.last[i]!)} | ${base.last[i]!.request} | ${ms(base.cpu[i]!)} | ${trips(base.last[i]!)} |`,
    ),
    `| login | | ${ms(total(ours))} | ${ours.last.map(trips).reduce(sum)} | | ${ms(total(base))} | ${base.last.map(trips).reduce(sum)} |`,
    ...(values.profile
      ? [
          '',
          `Each step's profile samples per login, ms (waits for a core left out, bench/profile.ts):`,
          '',
          '| step | ours | floor |',
          '|---|---|---|',
          ...STEPS.map((step, i) => `| ${step} | ${stepProfile(ours.samples[i]!, logins)} | ${stepProfile(base.samples[i]!, logins)} |`),
        ]
      : []),
    '',
    `## our service on ${storeName}, the last login's store calls`,
    ...ours.last.flatMap(describe),
    '',
    `## plain node-oidc-provider on ${storeName} (the floor)`,
    ...base.last.flatMap(describe),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  if (store === 'redis') await dropKeys(prefix);
  rmSync(work, { recursive: true, force: true });
}
