import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generate } from 'otplib';
import { Browser } from '../../test/support/browser.ts';
import { signInUntil } from '../../test/support/journey.ts';
import { dropKeys } from '../../test/support/redis-keys.ts';
import { startServer, type ServerProcess } from '../ipc.ts';
import { percentile } from '../load.ts';
import { CLIENTS, PASSWORD, type BenchAccount } from '../fixture.ts';
import { benchEmail, benchExternalId, FAMILIES, redisSeeder, sqliteSeeder, type Seeder } from '../accounts-seed.ts';
import type { Usage } from '../report.ts';

/** p50/p95/p99 of one question asked one at a time, as an identity-management sync or a helpdesk asks it. */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  n: number;
  errors: number;
  firstError?: string;
}

export interface AccountsRun {
  store: 'redis' | 'embedded';
  accounts: number;
  seedSeconds: number;
  lookupUserName: Latency;
  lookupExternalId: Latency;
  searchBroad: Latency;
  searchAddress: Latency;
  listPage: Latency;
  endPassNothingDueMs: number;
  endPassDue: { accounts: number; ms: number };
  /** The service's memory after the questions and the pass with nothing due (the figure to compare across sizes), and after the pass with 1% due. */
  rss: Usage;
  rssAfterDuePass: Usage;
  redis?: { infoBytesPerAccount: number; usageBytesPerAccount: number; accountKeysBytes: number; indexBytes: Record<string, number> };
}

export interface AccountsOptions {
  sizes: number[];
  iterations: number;
  redisUrl: string;
  stores: ('redis' | 'embedded')[];
  jwksFile: string;
}

const SCIM_CLIENT = {
  client_id: 'provisioner',
  client_secret: 'provisioner-secret',
  redirect_uris: [],
  response_types: [],
  grant_types: ['client_credentials'],
  scope: 'scim',
};
const round = (ms: number) => Math.round(ms * 100) / 100;
const pick = (n: number) => Math.floor(Math.random() * n);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function timed(iterations: number, ask: (i: number) => Promise<void>): Promise<Latency> {
  const times: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let i = -Math.min(20, iterations); i < iterations; i++) {
    const started = performance.now();
    try {
      await ask(i);
      if (i >= 0) times.push(performance.now() - started);
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    n: times.length,
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

async function expectOk(res: Response, what: string): Promise<string> {
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${body.slice(0, 200)}`);
  return body;
}

/** The date (YYYY-MM-DD) `days` from now: an end date whose reminder is due when it is under 14 days away. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Redis memory of the store's keys per account: the account's own keys sampled, each index whole. */
async function redisMemory(redis: Redis, seeder: ReturnType<typeof redisSeeder>, accounts: number, usedBefore: number) {
  const { keys } = seeder;
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const usage = async (key: string, samples?: number) =>
    Number((await (samples === undefined ? redis.call('MEMORY', 'USAGE', key) : redis.call('MEMORY', 'USAGE', key, 'SAMPLES', samples))) ?? 0);
  const sample = Array.from({ length: 200 }, () => pick(accounts));
  let accountKeys = 0;
  for (const n of sample) {
    const email = benchEmail(n);
    const id = (await redis.get(keys.email(email)))!;
    accountKeys += (await usage(keys.account(id))) + (await usage(keys.email(email))) + (await usage(keys.externalId(benchExternalId(n))));
  }
  const indexBytes: Record<string, number> = {};
  for (const name of ['list', 'names', 'invitations', 'end-checks'] as const) indexBytes[name] = await usage(keys.accountIndex(name), 0);
  const perAccount = accountKeys / sample.length;
  return {
    infoBytesPerAccount: Math.round(((await used()) - usedBefore) / accounts),
    usageBytesPerAccount: Math.round(perAccount + Object.values(indexBytes).reduce((a, b) => a + b, 0) / accounts),
    accountKeysBytes: Math.round(perAccount),
    indexBytes,
  };
}

/**
 * The accounts scenario: for each store, our service in a process of its own; for each
 * size, accounts seeded straight into its store (from this process, so that the service's
 * memory is its own), then each question timed one at a time over HTTP, and one pass of
 * the account-end job with nothing due and with 1% due.
 */
export async function accountsScenario(o: AccountsOptions): Promise<AccountsRun[]> {
  const runs: AccountsRun[] = [];
  const work = mkdtempSync(join(tmpdir(), 'cbs-idp-bench-accounts-'));
  const clientsFile = join(work, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify([...CLIENTS, SCIM_CLIENT]));
  const prefix = `bench-accounts:${randomBytes(6).toString('hex')}:`;
  try {
    for (const store of o.stores) {
      const dataDir = join(work, store);
      const redis = store === 'redis' ? new Redis(o.redisUrl) : undefined;
      const seeder: Seeder = store === 'redis' ? redisSeeder(o.redisUrl, prefix) : sqliteSeeder(dataDir);
      try {
        const usedBefore = redis ? Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]) : 0;
        let seeded = 0;
        for (const [round, size] of o.sizes.entries()) {
          const started = performance.now();
          await seeder.seed(seeded, size);
          seeded = size;
          const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
          log(`  accounts on ${store}: ${size} seeded (${seedSeconds} s for this step)`);
          // A service started afresh at each size: its memory is what this size costs it, not what earlier sizes left.
          const server: ServerProcess = await startServer('idp', { store, redisUrl: o.redisUrl, prefix, dataDir, clientsFile, jwksFile: o.jwksFile });
          try {
            const browser = await consoleSession(server.url, await server.call<BenchAccount>('staff'));
            const r: AccountsRun = {
              store,
              accounts: size,
              seedSeconds,
              ...(await measure(server, seeder, size, round, browser, o.iterations)),
              ...(redis ? { redis: await redisMemory(redis, seeder as ReturnType<typeof redisSeeder>, size, usedBefore) } : {}),
            };
            runs.push(r);
            log(
              `    lookup userName p95 ${r.lookupUserName.p95} ms, externalId p95 ${r.lookupExternalId.p95} ms, search p95 ${r.searchBroad.p95}/${r.searchAddress.p95} ms, list page p95 ${r.listPage.p95} ms, end pass ${round2(r.endPassNothingDueMs)} ms (nothing due) / ${round2(r.endPassDue.ms)} ms (${r.endPassDue.accounts} due), RSS ${r.rss.rssMB} MB (${r.rssAfterDuePass.rssMB} MB after the pass with 1% due)${r.redis ? `, Redis ${r.redis.usageBytesPerAccount} B/account` : ''}`,
            );
          } finally {
            await server.stop();
          }
        }
      } finally {
        await seeder.close();
        redis?.disconnect();
      }
      if (store === 'redis') await dropKeys(prefix);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return runs;
}

const round2 = (ms: number) => Math.round(ms * 10) / 10;

/** A helpdesk member signed in to the console as staff do (password, then the code), once per service. */
async function consoleSession(origin: string, staff: BenchAccount): Promise<Browser> {
  const browser = new Browser(origin);
  const { page: verify } = await signInUntil(
    {
      client: () => {
        throw new Error('unused');
      },
    },
    browser,
    'code-page',
    { email: staff.email, password: PASSWORD, from: '/admin' },
  );
  const code = await generate({ secret: staff.secret, epoch: Math.floor(Date.now() / 1000) });
  const consoleHome = await browser.submitAndFollow(verify, '/verify/totp', { code });
  if (!consoleHome.url.endsWith('/admin')) throw new Error(`the console sign-in ended at ${consoleHome.url}`);
  return browser;
}

async function measure(server: ServerProcess, seeder: Seeder, size: number, round: number, browser: Browser, iterations: number) {
  const origin = server.url;
  const token = await fetch(`${origin}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('provisioner:provisioner-secret').toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=scim',
  }).then(async (res) => (JSON.parse(await expectOk(res, 'scim token')) as { access_token: string }).access_token);
  const scim = (query: string) => fetch(`${origin}/scim/v2/Users?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const oneFound = async (res: Response, what: string) => {
    const body = JSON.parse(await expectOk(res, what)) as { totalResults: number };
    if (body.totalResults !== 1) throw new Error(`${what}: ${body.totalResults} results`);
  };

  const lookupUserName = await timed(iterations, async () => {
    await oneFound(await scim(`filter=${encodeURIComponent(`userName eq "${benchEmail(pick(size))}"`)}`), 'userName lookup');
  });
  const lookupExternalId = await timed(iterations, async () => {
    await oneFound(await scim(`filter=${encodeURIComponent(`externalId eq "${benchExternalId(pick(size))}"`)}`), 'externalId lookup');
  });
  const listPage = await timed(iterations, async () => {
    const body = JSON.parse(await expectOk(await scim(`startIndex=${1 + pick(Math.max(1, size - 100))}&count=100`), 'list page')) as { Resources: unknown[] };
    if (body.Resources.length !== Math.min(100, size)) throw new Error(`list page: ${body.Resources.length} users`);
  });

  const search = async (q: string) => {
    const page = await browser.get(`/admin?q=${encodeURIComponent(q)}`);
    if (page.status !== 200 || !page.html.includes('/admin/accounts/')) throw new Error(`search "${q}": ${page.status}, no account found`);
  };
  const searchBroad = await timed(iterations, () => search(FAMILIES[pick(FAMILIES.length)]!.slice(0, 5)));
  const searchAddress = await timed(iterations, () => search(benchEmail(pick(size)).split('.').slice(0, 2).join('.')));

  const endPassNothingDueMs = (await server.call<{ ms: number }>('endPass')).ms;
  const rss = await server.call<Usage>('usage');
  const due = Array.from({ length: Math.max(1, Math.round(size / 100)) }, (_, i) => Math.floor((i * size) / Math.max(1, Math.round(size / 100))));
  await seeder.makeDue(due, inDays(7 - (round % 6)));
  const endPassDue = { accounts: due.length, ms: (await server.call<{ ms: number }>('endPass')).ms };
  return {
    lookupUserName,
    lookupExternalId,
    searchBroad,
    searchAddress,
    listPage,
    endPassNothingDueMs,
    endPassDue,
    rss,
    rssAfterDuePass: await server.call<Usage>('usage'),
  };
}
