import { createServer } from 'node:http';
import { loadConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { startupBanner } from './startup-banner.ts';

/** Starts the service; on SIGTERM/SIGINT stops taking requests, finishes what is in flight, closes the store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const server = createServer(app.callback);
  server.listen(config.port, () => {
    app.services.log.info({ issuer: config.issuer, port: config.port, store: app.services.store.kind }, 'listening');
    if (!config.production) process.stdout.write(startupBanner(config, app.services.store.kind));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.services.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => void app.close().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
