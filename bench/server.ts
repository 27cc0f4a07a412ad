import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { serveIpc } from './ipc.ts';
import { startIdp } from './servers/idp.ts';
import { startPlain } from './servers/plain.ts';
import { startPlainStore } from './servers/plain-store.ts';
import { startKoa } from './servers/koa.ts';
import { startArgon2 } from './servers/argon2.ts';

/**
 * A server process of the benchmark, forked by bench/ipc.ts so that the load
 * generator does not share an event loop with what it measures.
 * argv: kind (idp | plain | plain-store | koa | argon2), options as JSON.
 */
const [kind, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}');
const starters = { idp: startIdp, plain: startPlain, 'plain-store': startPlainStore, koa: startKoa, argon2: startArgon2 } as const;
const start = starters[kind as keyof typeof starters];
if (!start) throw new Error(`unknown server kind ${kind}`);

const server = await start(options);
const inspector = new Session();
serveIpc({
  ...server.handlers,
  /** CPU time used so far (ms): by this process, its thread pool included, and by its main thread alone. */
  async cpu() {
    const ms = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;
    return { total: ms(process.cpuUsage()), main: ms(process.threadCpuUsage()) };
  },
  /** Memory now, after a full collection (the runner forks with --expose-gc). */
  async usage() {
    (globalThis as { gc?: () => void }).gc?.();
    const mb = (n: number) => Math.round(n / 1024 / 102.4) / 10;
    const u = process.memoryUsage();
    return { rssMB: mb(u.rss), heapTotalMB: mb(u.heapTotal), heapUsedMB: mb(u.heapUsed), externalMB: mb(u.external), arrayBuffersMB: mb(u.arrayBuffers) };
  },
  /** A CPU profile of this process's main thread over the runs between start and stop (--cpu-prof), written to `file`. */
  async profile({ file }: { file?: string }) {
    if (!file) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      // Five samples a millisecond: a login request takes one to five.
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
      return;
    }
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    inspector.disconnect();
  },
  async exit() {
    await server.close();
    setImmediate(() => process.exit(0));
  },
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: server.url || 'ipc:' });
