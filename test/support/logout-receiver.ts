import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the application's back-channel endpoint behaves. */
type Behaviour = 'ok' | 'hang' | 'down-once';

/** A request the endpoint holds without answering; `abandoned` once the identity provider gave up on it. */
interface HeldRequest {
  abandoned: boolean;
}

/**
 * An application's back-channel logout endpoint (a loopback node:http server):
 * records every logout token POSTed to it. 'hang' never answers; 'down-once'
 * answers 503 to the first delivery and takes the later ones (refuseNext()
 * refuses one more).
 */
export async function startLogoutReceiver(behaviour: Behaviour = 'ok') {
  const tokens: string[] = [];
  const held: HeldRequest[] = [];
  const waiters: (() => void)[] = [];
  let refused = 0;
  let toRefuse = behaviour === 'down-once' ? 1 : 0;

  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (behaviour === 'hang') {
      const request: HeldRequest = { abandoned: false };
      held.push(request);
      req.socket.on('close', () => {
        request.abandoned = true;
      });
      for (const wake of waiters.splice(0)) wake();
      return;
    }
    if (toRefuse > 0) {
      toRefuse--;
      refused++;
      res.writeHead(503).end();
      return;
    }
    tokens.push(new URLSearchParams(body).get('logout_token') ?? '');
    res.writeHead(200).end();
    for (const wake of waiters.splice(0)) wake();
  };

  const server = createServer((req, res) => void receive(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const until = async (done: () => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    tokens,
    held,
    refusals: () => refused,
    refuseNext: () => {
      toRefuse++;
    },
    /** The n-th logout token received (1-based), waiting for it if need be. */
    async token(n = 1): Promise<string> {
      await until(() => tokens.length >= n, `logout token #${n}`);
      return tokens[n - 1]!;
    },
    heldRequest: async () => {
      await until(() => held.length > 0, 'request');
      return held[0]!;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type LogoutReceiver = Awaited<ReturnType<typeof startLogoutReceiver>>;

/** A loopback port nothing listens on: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
