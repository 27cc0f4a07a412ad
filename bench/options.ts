import { parseArgs } from 'node:util';

export interface Options {
  store: 'redis' | 'embedded';
  durationS: number;
  warmupS: number;
  concurrency: number[];
  /** Scenario filter: full ids (idp.refresh), servers (plain) or names (refresh); empty = all. */
  scenarios: string[];
  sessions: number;
  /** Seeded accounts for the login scenario. */
  accounts: number;
  /** The accounts scenario's sizes (--accounts 1000,100000,1000000). */
  accountSizes: number[];
  redisUrl: string;
  cpuProf: boolean;
  /** The load generator on one core, every server on the other (taskset). */
  pin: boolean;
  out?: string;
  quick: boolean;
  /** Open-loop login runs: arrivals per second, or a fraction of the login ceiling measured in the same run. */
  rates: RateSpec[];
  /** Step the arrival rate up from 40% of the login ceiling until a full login's p99 crosses 500 ms. */
  knee: boolean;
  arrivals: 'poisson' | 'fixed';
  /** Iterations in flight at most in an open-loop run (default: two seconds of arrivals). */
  maxInFlight?: number;
}

type RateSpec = { perSecond: number } | { ofCeiling: number };

const USAGE = `npm run bench -- [options]
  --store redis|embedded   the service's store (default redis; REDIS_URL or redis://127.0.0.1:6379)
  --duration S             measured seconds per scenario and concurrency (default 10; --quick 2)
  --warmup S               unmeasured seconds before each (default 2; --quick 0.5)
  --concurrency 1,10,50    virtual users (default 1,10,50)
  --scenarios a,b          only these: ids (idp.refresh), servers (idp, plain-store, plain, koa,
                           argon2, memory) or names (login, client_credentials, refresh,
                           introspection, userinfo, revocation, discovery, jwks, argon2, hello, memory);
                           accounts (SCIM lookups, console search, list pages and the account-end
                           job at each --accounts size, on Redis and SQLite) runs only when named
  --sessions N             signed-in users for the memory figure (default 10000; --quick 1000)
  --accounts N[,N…]        seeded accounts: the login scenario uses the first (default 1500;
                           --quick 300), the accounts scenario runs at each (default 1000,20000)
  --rate 20,40,0.7x        open-loop logins after the closed-loop ones: arrivals per second, or a
                           multiple of the login ceiling (the highest closed-loop logins/s before)
  --knee                   open-loop logins from 0.4x the login ceiling in steps of 0.1x, until a
                           full login's p99 crosses 500 ms
  --arrivals poisson|fixed gaps between open-loop arrivals (default poisson)
  --max-in-flight N        open-loop iterations in flight at most; more arrivals are dropped, and
                           the run stops after N drops (default: two seconds of arrivals, ≥ 10)
  --cpu-prof               CPU profiles of our service and of plain node-oidc-provider on the same
                           store over the measured runs, to bench/results/profiles/
  --pin                    the load generator on core 0, every server on core 1 (taskset)
  --out FILE               JSON results (default bench/results/<time>-<store>.json)
  --quick                  a few seconds per scenario, for smoke tests`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: 'string', default: 'redis' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string', default: '1,10,50' },
      scenarios: { type: 'string', default: '' },
      sessions: { type: 'string' },
      accounts: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      rate: { type: 'string', default: '' },
      knee: { type: 'boolean', default: false },
      arrivals: { type: 'string', default: 'poisson' },
      'max-in-flight': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick;
  const number = (name: string, text: string | undefined, fallback: number) => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${text}`);
    return n;
  };
  if (values.store !== 'redis' && values.store !== 'embedded') throw new Error(`--store must be redis or embedded, not ${values.store}`);
  const concurrency = values.concurrency.split(',').map((c) => number('concurrency', c.trim(), 1));
  if (concurrency.some((c) => !Number.isInteger(c) || c > 1000)) throw new Error('--concurrency takes whole numbers up to 1000');
  if (values.arrivals !== 'poisson' && values.arrivals !== 'fixed') throw new Error(`--arrivals must be poisson or fixed, not ${values.arrivals}`);
  const rates = values.rate
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r): RateSpec => (r.endsWith('x') ? { ofCeiling: number('rate', r.slice(0, -1), 1) } : { perSecond: number('rate', r, 1) }));
  return {
    store: values.store,
    durationS: number('duration', values.duration, quick ? 2 : 10),
    warmupS: values.warmup === '0' ? 0 : number('warmup', values.warmup, quick ? 0.5 : 2),
    concurrency,
    scenarios: values.scenarios
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    sessions: Math.round(number('sessions', values.sessions, quick ? 1000 : 10_000)),
    accounts: Math.round(number('accounts', values.accounts?.split(',')[0], quick ? 300 : 1500)),
    accountSizes: (values.accounts ?? (quick ? '300' : '1000,20000'))
      .split(',')
      .map((n) => Math.round(number('accounts', n.trim(), 1000)))
      .sort((a, b) => a - b),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    cpuProf: values['cpu-prof'],
    pin: values.pin,
    out: values.out,
    quick,
    rates,
    knee: values.knee,
    arrivals: values.arrivals,
    maxInFlight: values['max-in-flight'] === undefined ? undefined : Math.round(number('max-in-flight', values['max-in-flight'], 1)),
  };
}

/** Whether scenario `server.name` is selected. */
export function selected(o: Options, server: string, name: string): boolean {
  return !o.scenarios.length || o.scenarios.some((s) => s === server || s === name || s === `${server}.${name}`);
}
