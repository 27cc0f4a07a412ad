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
export const describeOnEveryStore = (name: string, suite: (store: StoreKind) => void) =>
  describe.each<StoreKind>(['sqlite', 'redis'])(`${name} on %s`, suite);
export const CALLBACK = 'http://127.0.0.1:9/callback';

/** The applications registered in every test: a first-party portal, a third party, a back-end service. */
export const CLIENTS = [
  { client_id: 'portal', client_secret: 'portal-secret', redirect_uris: [CALLBACK], post_logout_redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], first_party: true, client_name: 'Microdataportaal' },
  { client_id: 'other-app', client_secret: 'other-secret', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], client_name: 'Other application' },
  { client_id: 'service', client_secret: 'service-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'] },
  { client_id: 'provisioner', client_secret: 'provisioner-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'], scope: 'scim' },
];

export interface TestIdp {
  issuer: string;
  app: App;
  smtp: SmtpSink;
  /** openid-client's view of the portal (or another registered client). */
  client(id?: string, secret?: string): Promise<oidc.Configuration>;
  createAccount(email: string, name?: string, locale?: 'nl' | 'en'): Promise<void>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  /**
   * The issuer's host name. WebAuthn needs a relying-party ID that is a domain,
   * never an IP address, so browser tests of passkeys use 'localhost' (the
   * server still listens on 127.0.0.1, where localhost resolves; browsers and
   * Node's fetch fall back to it should they try ::1 first).
   */
  host?: '127.0.0.1' | 'localhost';
}

/** openid-client's view of a registered client at this issuer (plain http: tests run on loopback). */
export function clientOf(issuer: string, id = 'portal', secret = `${id === 'portal' ? 'portal' : id.split('-')[0]}-secret`): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), id, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** The real app on a loopback port, with a real SMTP sink, on the chosen store. */
export async function startTestIdp(store: StoreKind, env: Record<string, string> = {}, deps: Parameters<typeof createApp>[1] = {}, options: TestIdpOptions = {}): Promise<TestIdp> {
  const smtp = await startSmtpSink();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-test-'));
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({
    ISSUER: issuer,
    DATA_DIR: dir,
    SMTP_URL: smtp.url,
    CLIENTS_FILE: join(dir, 'clients.json'),
    LOG_LEVEL: 'silent',
    ...(store === 'redis' ? { REDIS_URL, REDIS_PREFIX: prefix } : {}),
    ...env,
  });
  const app = await createApp(config, deps);
  server.on('request', app.callback);

  return {
    issuer,
    app,
    smtp,
    client: (id, secret) => clientOf(issuer, id, secret),
    async createAccount(email, name = 'Test Researcher', locale = 'nl') {
      await accountCommands(app.services, 'create', { email, name, locale });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await smtp.close();
      if (store === 'redis') await dropKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
