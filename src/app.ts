import type { Config } from './config.ts';
import type { Store, AccountStore } from '../adapters/types.ts';
import { openStore } from '../adapters/index.ts';
import { reindexAccounts, scheduleEndChecks } from './accounts/end-check.ts';
import type { Account } from './accounts/account.ts';
import { createLogger, type Logger } from './log.ts';
import { createAudit } from './audit.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createLimits } from './security/rate-limits.ts';
import { createSecretBox } from './security/secret-box.ts';
import { baseHeaders } from './security/headers.ts';
import { loadSigningKeys } from './oidc/keys.ts';
import { loadClients } from './oidc/clients.ts';
import { createProvider } from './oidc/provider.ts';
import { profileFor } from './oidc/profile/profile.ts';
import { loadAssets } from './web/assets.ts';
import { pageState } from './web/page-state.ts';
import { requestLog } from './web/request-log.ts';
import { errorPages, markStoreFailures, providerErrorPage } from './web/error-pages.ts';
import { cacheDiscovery, pinnedToIssuer } from './security/issuer-host.ts';
import { requestId } from './web/request-id.ts';
import { createLifecycle, closeConnectionsWhileDraining } from './lifecycle.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { httpMetrics } from './metrics/http-metrics.ts';
import { instrumentStore } from './metrics/store-metrics.ts';
import { exceptProtocolEndpoints, protocolEndpoints } from './oidc/protocol-endpoints.ts';
import { refuseEncodedBodies, refuseEncodedProtocolBodies } from './web/request-encoding.ts';
import { watchRedisConnection } from './metrics/redis-metrics.ts';
import { countedAudit, countedMailer } from './metrics/domain-metrics.ts';
import { logoutPages } from './logout/pages.ts';
import type { FirstAttempt } from './logout/deliveries.ts';
import { recordSignOuts } from './logout/sign-outs.ts';
import { createLogout } from './logout/logout.ts';
import { frontchannelLogout } from './logout/frontchannel.ts';
import { limitClientSecretChecks } from './oidc/client-secret-limit.ts';
import { screens } from './routes.ts';
import type { Services } from './services.ts';
import { startAccountEndJob, type AccountEndJob } from './jobs/account-end.ts';
import { scimApi } from './scim/routes.ts';
import { loadUpstreamProviders } from './upstream/config.ts';
import { createUpstream } from './upstream/upstream.ts';

export interface App {
  callback: ReturnType<Services['provider']['callback']>;
  services: Services;
  /** Prometheus registry, served on METRICS_PORT by main.ts (never on the public port). */
  metrics: Metrics['registry'];
  /** Resolves once the background work started so far (mails, lookups) has finished. */
  settled(): Promise<void>;
  /** Reminds and disables accounts at their end date; stopped by close(). */
  accountEnd: AccountEndJob;
  /**
   * Resolves once the back-channel logouts queued so far have had their first
   * attempt; with `retryLogouts: false` (the CLI), says how each went.
   */
  logoutsAttempted(): Promise<FirstAttempt[]>;
  /** Waits for background work (mails) and deliveries in flight, then closes the store; retries still due stay in the store. */
  close(): Promise<void>;
}

/** Composes the provider, our middleware and our screens. Tests pass their own store, mailer or logger. */
export async function createApp(
  config: Config,
  deps: { store?: Store; mailer?: Mailer; log?: Logger; logoutRetryDelaysMs?: number[]; retryLogouts?: boolean } = {},
): Promise<App> {
  const log = deps.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const store = scheduleEndChecks(instrumentStore(deps.store ?? (await openStore(config)), metrics));
  // Accounts that a release before the account indexes wrote are indexed before anything is served.
  const indexed = await reindexAccounts(store, false, (count) => log.info({ indexed: count }, 'indexing accounts written by an earlier release'));
  if (indexed) log.info({ indexed }, 'account indexes built');
  watchRedisConnection(store, metrics);
  store.redis?.on('error', (err: Error) => log.error({ err: err.message }, 'redis connection error'));
  const https = config.issuer.startsWith('https:');
  const assets = loadAssets();

  const profile = profileFor(config.profile);
  const clients = loadClients(config.clientsFile, config.issuer, config.production);
  const upstreamProviders = loadUpstreamProviders(config.upstreamProvidersFile, config.production);
  const jwks = await loadSigningKeys(config.jwksFile, config.dataDir, config.profile.name);
  const provider = createProvider({
    issuer: config.issuer,
    store,
    clients,
    jwks,
    profile,
    cookieKeys: config.cookieKeys,
    secureCookies: https,
    renderError: providerErrorPage(log),
    logoutSource: logoutPages.confirm,
    postLogoutSuccessSource: logoutPages.done,
  });
  await profile.install(provider, { clients, jwks, production: config.production }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  // Behind TRUST_PROXY_HOPS proxies, the client is the address the outermost of them saw.
  provider.proxy = config.trustProxy;
  provider.maxIpsCount = config.trustProxyHops;
  const logout = createLogout({
    provider,
    store,
    log,
    count: (outcome) => metrics.backchannelLogouts.inc({ outcome }),
    retries: deps.retryLogouts ?? true,
    retryDelaysMs: deps.logoutRetryDelaysMs,
  });

  const pending = new Set<Promise<void>>();
  const limits = createLimits(store.redis, config.redisPrefix, config.resetMailQuotas);
  limitClientSecretChecks(provider, limits);
  const s: Services = {
    config,
    store,
    accounts: store.accounts as AccountStore<Account>,
    provider,
    mailer: countedMailer(deps.mailer ?? createMailer(config.smtpUrl, config.mailFrom, log), metrics),
    limits,
    replay: store.replay,
    secrets: createSecretBox(config.secretsKeys),
    audit: countedAudit(createAudit(log, store.history, config.accountHistory), metrics),
    log,
    logout,
    lifecycle: createLifecycle(),
    upstream: createUpstream({ providers: upstreamProviders, issuer: config.issuer, tokens: store.tokens }),
    background(name, work) {
      const job = new Promise<void>((resolve) => setImmediate(resolve))
        .then(work)
        .catch((err: unknown) => log.error({ err, task: name }, 'background task failed'))
        .finally(() => pending.delete(job));
      pending.add(job);
    },
  };

  recordSignOuts(provider, s);
  provider.use(pinnedToIssuer(config.issuer));
  provider.use(requestId());
  provider.use(httpMetrics(metrics));
  provider.use(requestLog(log));
  provider.use(markStoreFailures(provider as never, log));
  provider.use(closeConnectionsWhileDraining(s.lifecycle));
  provider.use(cacheDiscovery(profile.metadataMaxAge));
  provider.use(baseHeaders(https));
  provider.use(refuseEncodedProtocolBodies(protocolEndpoints(provider)));
  provider.use(
    exceptProtocolEndpoints(provider, [
      scimApi(s),
      assets.middleware,
      pageState({ secureCookies: https, asset: assets.url }),
      errorPages(log),
      refuseEncodedBodies,
      frontchannelLogout(),
      screens(s),
    ]),
  );

  const accountEnd = startAccountEndJob(s);
  return {
    callback: provider.callback(),
    services: s,
    metrics: metrics.registry,
    async settled() {
      await Promise.allSettled([...pending]);
    },
    accountEnd,
    async logoutsAttempted() {
      await Promise.allSettled([...pending]);
      return logout.attempted();
    },
    async close() {
      await accountEnd.stop();
      await Promise.allSettled([...pending]);
      await logout.close();
      await store.close();
    },
  };
}
