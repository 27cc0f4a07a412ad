import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as oidc from 'openid-client';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { generateJwks } from '../../src/oidc/keys.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { CLIENTS, clientOf } from './test-idp.ts';
import { dropKeys, REDIS_URL } from './redis-keys.ts';

/**
 * Several instances of the real app in this process, each with its own provider,
 * store connection and caches, on one Redis prefix and one ISSUER, behind a
 * round-robin dispatcher on one loopback port: request n goes to instance
 * n mod count, so consecutive requests of one browser never meet the same
 * instance twice in a row (and with three, any three in a row are all different).
 * The fleet's settings (keys, JWKS) are given per instance, so that a test can
 * replace instances one by one as an operator rolls out a new setting.
 */
export interface Served { instance: number; what: string }

export interface InProcessFleet {
  issuer: string;
  smtp: SmtpSink;
  instances: App[];
  /** Which instance answered each request, in order ('POST /password/set'). */
  served: Served[];
  /** The instance that answered the last request with this method and a path ending so ('POST /verify/totp'). */
  lastServer(what: string): number;
  /** Sends the next request to this instance; round robin goes on from there. */
  sendNextTo(instance: number): void;
  /** Stops one instance (after its background work) and starts a new one in its place with these settings. */
  replace(instance: number, settings: Record<string, string>): Promise<void>;
  client(id?: string, secret?: string): Promise<oidc.Configuration>;
  createAccount(email: string, name?: string): Promise<void>;
  /** Writes a JSON file in the fleet's directory (a JWKS_FILE) and returns its path. */
  file(name: string, content: unknown): string;
  close(): Promise<void>;
}

export async function startInProcessFleet(count: number, settings: Record<string, string>): Promise<InProcessFleet> {
  const smtp = await startSmtpSink();
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-fleet-'));
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
  // One JWKS_FILE for all, unless the test brings its own (never each instance's development keys).
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(await generateJwks()));
  const prefix = `fleet:${randomBytes(6).toString('hex')}:`;
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
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const build = (own: Record<string, string>) => createApp(loadConfig({
    ISSUER: issuer, DATA_DIR: dir, SMTP_URL: smtp.url, CLIENTS_FILE: join(dir, 'clients.json'),
    JWKS_FILE: join(dir, 'jwks.json'), LOG_LEVEL: 'silent', REDIS_URL, REDIS_PREFIX: prefix, ...own,
  }));
  for (let i = 0; i < count; i++) instances.push(await build(settings));

  return {
    issuer,
    smtp,
    instances,
    served,
    lastServer(what) {
      const [method, path] = what.split(' ');
      const found = served.findLast((s) => s.what.startsWith(`${method} `) && s.what.endsWith(path!));
      if (!found) throw new Error(`no request ${what} was served`);
      return found.instance;
    },
    sendNextTo(instance) { next = instance; },
    async replace(instance, own) {
      await instances[instance]!.close();
      instances[instance] = await build(own);
    },
    client: (id, secret) => clientOf(issuer, id, secret),
    async createAccount(email, name = 'Test Researcher') {
      await accountCommands(instances[0]!.services, 'create', { email, name, locale: 'nl' });
    },
    file(name, content) {
      writeFileSync(join(dir, name), JSON.stringify(content));
      return join(dir, name);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(instances.map((app) => app.close()));
      await smtp.close();
      await dropKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
