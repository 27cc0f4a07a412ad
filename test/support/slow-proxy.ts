import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  port: number;
  /** When the held command reached the proxy (performance.now()), once it has. */
  heldAt?: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of Redis that makes one command slow: the first command whose
 * bytes contain `marker` (and whatever the client sends after it on that connection)
 * reaches Redis only `delayMs` later. Commands are found by their RESP start ("*<n>\r\n")
 * before the marker, which holds for the small commands a test sends.
 */
export async function startSlowProxy(redisPort: number, marker: string, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const proxy: SlowProxy = { port: 0, close: async () => {} };
  const server: Server = createServer((client) => {
    const redis = connect(redisPort, '127.0.0.1');
    for (const s of [client, redis]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        redis.destroy();
      });
    }
    redis.pipe(client);
    let held: Buffer[] | undefined;
    client.on('data', (chunk: Buffer) => {
      if (held) return void held.push(chunk);
      const at = proxy.heldAt === undefined ? chunk.indexOf(marker) : -1;
      if (at < 0) return void redis.write(chunk);
      const start = Math.max(0, chunk.lastIndexOf('\r\n*', at) + 2);
      redis.write(chunk.subarray(0, start));
      held = [chunk.subarray(start)];
      proxy.heldAt = performance.now();
      setTimeout(() => {
        for (const part of held!) redis.write(part);
        held = undefined;
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
