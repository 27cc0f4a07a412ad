import { Agent, request as httpRequest } from 'node:http';

/**
 * The load generator's HTTP client: node:http with one keep-alive agent per
 * client. Lighter than fetch, which matters when generator and server share
 * two cores; each virtual user gets its own connection (maxSockets is the
 * concurrency), the way separate browsers would.
 */
export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class HttpClient {
  readonly origin: URL;
  private readonly agent: Agent;
  constructor(origin: string, connections: number) {
    this.origin = new URL(origin);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.origin.hostname,
          port: this.origin.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Throws with the response's first bytes, so that a broken scenario says why. */
export function expectStatus(res: Response, status: number, what: string): Response {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.body.slice(0, 300)}`);
  return res;
}
