import { createServer, type Server } from 'node:http';
import { loadConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { startupBanner } from './startup-banner.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { gracefulShutdown } from './shutdown.ts';

/** Starts the service (and the metrics listener when METRICS_PORT is set); shuts down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const metricsServer: Server | undefined = config.metricsPort === undefined ? undefined : await startMetricsServer(app.metrics, config.metricsPort);
  const server = createServer(app.callback);
  server.listen(config.port, () => {
    app.services.log.info({ issuer: config.issuer, port: config.port, metricsPort: config.metricsPort, store: app.services.store.kind }, 'listening');
    if (!config.production) process.stdout.write(startupBanner(config, app.services.store.kind));
  });

  const shutdown = gracefulShutdown(app, server, config.shutdownTimeoutSeconds, metricsServer);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
  process.exit(1);
});
