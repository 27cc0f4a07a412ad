import type { Server } from 'node:http';
import type { App } from './app.ts';

/**
 * Graceful shutdown, for SIGTERM (orchestrators, load balancer drains) and SIGINT:
 * /readyz turns 503 at once, the listener stops accepting (a load balancer
 * retries a refused connection elsewhere), requests in flight — an argon2 login
 * included — finish with their normal answer, then background work (mails) and
 * the store are closed. Bounded by SHUTDOWN_TIMEOUT_SECONDS: after that the
 * remaining connections are cut and the process exits with 1.
 */
export function gracefulShutdown(app: App, server: Server, timeoutSeconds: number, metricsServer?: Server) {
  const { log, lifecycle } = app.services;
  let started = false;
  return async (signal: string): Promise<void> => {
    if (started) return;
    started = true;
    lifecycle.drain();
    log.info({ signal, timeoutSeconds }, 'shutting down: draining requests in flight');
    setTimeout(() => {
      log.error({ timeoutSeconds }, 'shutdown timed out: cutting the remaining connections');
      server.closeAllConnections();
      process.exit(1);
    }, timeoutSeconds * 1000).unref();

    // close() stops accepting and drops idle keep-alive connections; busy ones
    // end after their response, which says Connection: close while draining.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      await app.close();
    } catch (err) {
      log.error({ err }, 'closing the store failed');
      process.exitCode = 1;
    }
    if (metricsServer) {
      metricsServer.closeAllConnections();
      await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    }
    log.info({ signal }, 'shut down');
    process.exit();
  };
}
