import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { whileClientWaits } from '../../src/web/client-gone.ts';

describe('whileClientWaits', () => {
  let server: Server;
  let port: number;
  /** Each request's signal as it stood when its handler went on: aborted or not. */
  const seen: boolean[] = [];
  let arrived: () => void;

  beforeAll(async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      const signal = whileClientWaits(ctx);
      arrived();
      await new Promise((resolve) => setTimeout(resolve, 150));
      seen.push(signal.aborted);
      ctx.body = 'ok';
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const waitForArrival = () =>
    new Promise<void>((resolve) => {
      arrived = resolve;
    });

  test('stays quiet while the browser waits for its answer', async () => {
    const arrival = waitForArrival();
    const body = await new Promise<string>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    await arrival;
    expect(body).toBe('ok');
    expect(seen.pop()).toBe(false);
  });

  test('aborts once the browser closes the connection before the answer', async () => {
    const arrival = waitForArrival();
    const req = request({ port, host: '127.0.0.1', path: '/' });
    req.on('error', () => {});
    req.end();
    await arrival;
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.pop()).toBe(true);
  });
});
