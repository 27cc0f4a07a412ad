import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropKeys, REDIS_URL } from './redis-keys.ts';
import * as oidc from 'openid-client';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export type StoreKind = 'sqlite' | 'redis';

/** One suite, run once on the embedded store and once on Redis: every behaviour holds on both. */
export const describeOnEveryStore = (name: string, suite: (store: StoreKind) => void) => describe.each<StoreKind>(['sqlite', 'redis'])(`${name} on %s`, suite);
export const CALLBACK = 'http://127.0.0.1:9/callback';

/** The applications registered in every test: a first-party portal, a third party, a back-end service. */
export const CLIENTS = [
  {
    client_id: 'portal',
    client_secret: 'portal-secret',
    redirect_uris: [CALLBACK],
    post_logout_redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    first_party: true,
    client_name: 'Microdataportaal',
  },
  { client_id: 'other-app', client_secret: 'other-secret', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], client_name: 'Other application' },
  { client_id: 'service', client_secret: 'service-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'] },
  { client_id: 'provisioner', client_secret: 'provisioner-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'], scope: 'scim' },
];

/** What the app is handed instead of making it itself: a log the test reads, shorter logout retry delays. */
type AppDeps = NonNullable<Parameters<typeof createApp>[1]>;

export interface BootOptions {
  /** The embedded SQLite store (the default), or Redis under a key prefix of this boot's own. */
  store?: StoreKind;
  /** Settings as an operator gives them, over the test defaults (a CLIENTS_FILE, TRUST_PROXY, limits). */
  env?: Record<string, string>;
  deps?: AppDeps;
  /**
   * The issuer's host name. WebAuthn needs a relying-party ID that is a domain,
   * never an IP address, so browser tests of passkeys use 'localhost' (the
   * server still listens on 127.0.0.1, where localhost resolves; browsers and
   * Node's fetch fall back to it should they try ::1 first).
   */
  host?: '127.0.0.1' | 'localhost';
  /**
   * How many instances of the app: each with its own provider, store connection
   * and caches, on one store and one ISSUER, behind a round-robin dispatcher on
   * one loopback port. Request n goes to instance n mod count, so consecutive
   * requests of one browser never meet the same instance twice in a row (and
   * with three, any three in a row are all different). They share one DATA_DIR,
   * so one set of development keys and secrets, as a fleet in production shares
   * its JWKS_FILE, COOKIE_KEYS and SECRETS_KEY. One unless given.
   */
  instances?: number;
}

/** Which instance answered a request ('POST /password/set'). */
export interface Served {
  instance: number;
  what: string;
}

export interface TestIdp {
  issuer: string;
  smtp: SmtpSink;
  /** The app (of a fleet, its first instance). */
  readonly app: App;
  instances: App[];
  /** Which instance answered each request, in order. */
  served: Served[];
  /** The instance that answered the last request with this method and a path ending so ('POST /verify/totp'). */
  lastServer(what: string): number;
  /** Sends the next request to this instance; round robin goes on from there. */
  sendNextTo(instance: number): void;
  /**
   * Stops one instance (after its background work) and starts a new one in its
   * place, as an operator redeploys it: with these settings instead of the
   * boot's `env` (a setting rolled out), or the same ones.
   */
  replace(instance: number, env?: Record<string, string>): Promise<void>;
  /** openid-client's view of the portal (or another registered client). */
  client(id?: string, secret?: string): Promise<oidc.Configuration>;
  createAccount(email: string, name?: string, locale?: 'nl' | 'en'): Promise<void>;
  /** Writes a JSON file in the service's directory (a JWKS_FILE) and returns its path. */
  file(name: string, content: unknown): string;
  close(): Promise<void>;
}

/** openid-client's view of a registered client at this issuer (plain http: tests run on loopback). */
export function clientOf(issuer: string, id = 'portal', secret = `${id === 'portal' ? 'portal' : id.split('-')[0]}-secret`): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), id, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/**
 * The real app in this process on a loopback port, with a real SMTP sink, on
 * the chosen store: how every integration and browser test starts the service.
 * (Where the service must be a process of its own, spawned-idp.ts starts it.)
 */
export async function bootIdp(options: BootOptions = {}): Promise<TestIdp> {
  const { store = 'sqlite', env = {}, deps = {}, instances: count = 1 } = options;
  const smtp = await startSmtpSink();
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-test-'));
  const file = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(content));
    return join(dir, name);
  };
  const clientsFile = file('clients.json', CLIENTS);
  const prefix = `test:${randomBytes(6).toString('hex')}:`;

  const instances: App[] = [];
  const served: Served[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const instance = next;
    next = (next + 1) % instances.length;
    served.push({ instance, what: `${req.method} ${req.url!.split('?')[0]}` });
    instances[instance]!.callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const start = (settings: Record<string, string>) =>
    createApp(
      loadConfig({
        ISSUER: issuer,
        DATA_DIR: dir,
        SMTP_URL: smtp.url,
        CLIENTS_FILE: clientsFile,
        LOG_LEVEL: 'silent',
        ...(store === 'redis' ? { REDIS_URL, REDIS_PREFIX: prefix } : {}),
        ...settings,
      }),
      deps,
    );
  for (let i = 0; i < count; i++) instances.push(await start(env));

  return {
    issuer,
    smtp,
    get app() {
      return instances[0]!;
    },
    instances,
    served,
    lastServer(what) {
      const [method, path = ''] = what.split(' ');
      const found = served.findLast((s) => s.what.startsWith(`${method} `) && s.what.endsWith(path));
      if (!found) throw new Error(`no request ${what} was served`);
      return found.instance;
    },
    sendNextTo(instance) {
      next = instance;
    },
    async replace(instance, settings = env) {
      await instances[instance]!.close();
      instances[instance] = await start(settings);
    },
    client: (id, secret) => clientOf(issuer, id, secret),
    async createAccount(email, name = 'Test Researcher', locale = 'nl') {
      await accountCommands(instances[0]!.services, 'create', { email, name, locale });
    },
    file,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(instances.map((app) => app.close()));
      await smtp.close();
      if (store === 'redis') await dropKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
