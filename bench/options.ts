import { parseArgs } from 'node:util';

export interface Options {
  store: 'redis' | 'embedded';
  durationS: number;
  warmupS: number;
  concurrency: number[];
  /** Scenario filter: full ids (idp.refresh), servers (plain) or names (refresh); empty = all. */
  scenarios: string[];
  sessions: number;
  accounts: number;
  redisUrl: string;
  cpuProf: boolean;
  out?: string;
  quick: boolean;
}

export const USAGE = `npm run bench -- [options]
  --store redis|embedded   the service's store (default redis; REDIS_URL or redis://127.0.0.1:6379)
  --duration S             measured seconds per scenario and concurrency (default 10; --quick 2)
  --warmup S               unmeasured seconds before each (default 2; --quick 0.5)
  --concurrency 1,10,50    virtual users (default 1,10,50)
  --scenarios a,b          only these: ids (idp.refresh), servers (idp, plain, koa, argon2, memory)
                           or names (login, client_credentials, refresh, introspection, userinfo,
                           discovery, jwks, argon2, hello, memory)
  --sessions N             signed-in users for the memory figure (default 10000; --quick 1000)
  --accounts N             seeded accounts for the login scenario (default 1500; --quick 300)
  --cpu-prof               write a CPU profile of our service to bench/results/profiles/
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
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
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
  return {
    store: values.store,
    durationS: number('duration', values.duration, quick ? 2 : 10),
    warmupS: values.warmup === '0' ? 0 : number('warmup', values.warmup, quick ? 0.5 : 2),
    concurrency,
    scenarios: values.scenarios.split(',').map((s) => s.trim()).filter(Boolean),
    sessions: Math.round(number('sessions', values.sessions, quick ? 1000 : 10_000)),
    accounts: Math.round(number('accounts', values.accounts, quick ? 300 : 1500)),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    cpuProf: values['cpu-prof'],
    out: values.out,
    quick,
  };
}

/** Whether scenario `server.name` is selected. */
export function selected(o: Options, server: string, name: string): boolean {
  return !o.scenarios.length || o.scenarios.some((s) => s === server || s === name || s === `${server}.${name}`);
}
