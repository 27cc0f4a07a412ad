/**
 * Throwaway redis-server processes for tests that need their own Redis (topologies,
 * outages, failover): loopback only, free ports, one temp dir each. Only processes
 * started here are ever killed, and all of them are when the test file ends, also
 * when it fails (stopAllRedisServers in afterAll; an exit hook as the last resort).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  port: number;
  dir: string;
  /** Starts the process (again), with the same port, directory and arguments. */
  start(): Promise<void>;
  /** SIGKILL by default: the process gets no chance to save anything. Resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that keeps its connections but stops answering, and resumes. */
  freeze(): void;
  thaw(): void;
}

const running = new Set<ChildProcess>();
const directories = new Set<string>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port whose cluster bus port (port + 10000) is free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if ((await canListen(port)) && (await canListen(port + 10000))) return port;
  }
}

async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `idp-${label}-`));
  directories.add(dir);
  return dir;
}

/** Runs redis-cli against a local port; REDISCLI_AUTH keeps the password off the command line. */
export function redisCli(port: number, args: string[], password?: string): Promise<string> {
  const env = password ? { ...process.env, REDISCLI_AUTH: password } : process.env;
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** Polls `check` every 100 ms until it is true; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Starts `redis-server` (or `redis-server <config> --sentinel` via args) on a free port
 * in a directory of its own, and waits until it answers PING. `prepare` runs once
 * before the first start (to write a config file).
 */
export async function startRedisProcess(
  label: string,
  args: (port: number, dir: string) => string[],
  password?: string,
  prepare?: (port: number, dir: string) => Promise<void>,
): Promise<RedisProcess> {
  const port = await freePort();
  const dir = await tempDir(label);
  await prepare?.(port, dir);
  let child: ChildProcess | undefined;
  const server: RedisProcess = {
    port,
    dir,
    async start() {
      const started = spawn('redis-server', args(port, dir), { cwd: dir, stdio: 'ignore' });
      child = started;
      running.add(started);
      started.once('exit', () => running.delete(started));
      await waitUntil(`${label} on port ${port}`, async () => (await redisCli(port, ['ping'], password)) === 'PONG');
    },
    async kill(signal = 'SIGKILL') {
      const stopping = child;
      if (!stopping || stopping.exitCode !== null || stopping.signalCode !== null) return;
      const exited = new Promise((resolve) => stopping.once('exit', resolve));
      stopping.kill(signal);
      await exited;
    },
    freeze: () => {
      child?.kill('SIGSTOP');
    },
    thaw: () => {
      child?.kill('SIGCONT');
    },
  };
  await server.start();
  return server;
}

/** Plain data-node arguments: loopback only, no snapshots, a log file in its directory. */
export function dataNodeArgs(port: number, dir: string, extra: string[] = []): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--logfile',
    'redis.log',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    ...extra,
  ];
}

/** A single throwaway server; `extra` adds redis-server arguments (AOF, a password…). */
export function startRedisServer(extra: string[] = [], password?: string): Promise<RedisProcess> {
  const auth = password ? ['--requirepass', password] : [];
  return startRedisProcess('redis', (port, dir) => dataNodeArgs(port, dir, [...auth, ...extra]), password);
}

/** Kills every process this module started and removes their directories. */
export async function stopAllRedisServers(): Promise<void> {
  const exits = [...running].map(
    (child) =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
  await Promise.all([...directories].map((dir) => rm(dir, { recursive: true, force: true })));
  directories.clear();
}
