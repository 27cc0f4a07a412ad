import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * /metrics on a port of its own (METRICS_PORT), so that the public listener
 * never exposes it and a firewall can keep it to the monitoring network.
 */
export function startMetricsServer(registry: Registry, port: number, host?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
