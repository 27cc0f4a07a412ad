import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The real service as an operator runs it: `node src/main.ts` in a process of
 * its own, configured by environment, logging JSON on stdout. Every process
 * started here is remembered, so that a test can end them all even when it fails.
 * How the tests start the service where it must be a process (a fleet behind
 * HAProxy, SIGTERM, the NL GOV profile, start-up refusals); in-process it is bootIdp.
 */
export interface LogLine {
  msg?: string;
  event?: string;
  [field: string]: unknown;
}

export interface SpawnedIdp {
  port: number;
  url: string;
  child: ChildProcess;
  lines: LogLine[];
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** What the process has written to stderr so far. */
  stderr(): string;
  /** SIGTERM, as an orchestrator stops it (unless it has ended already); resolves once it has exited. */
  stop(): Promise<number | string>;
  /** The first log line (already written or still to come) that matches. */
  logLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

const started = new Set<ChildProcess>();

/** Remembers a process this test started, until it exits. */
export function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.on('exit', () => started.delete(child));
  return child;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the service with this environment, on env.PORT or a free port, its ISSUER that
 * port on loopback unless env says otherwise; resolves once /readyz answers 200. With
 * `untilReady: false`, at once: for a service that is to refuse to start (`exited`, `stderr()`).
 */
export async function spawnIdp(env: Record<string, string>, options: { untilReady?: boolean } = {}): Promise<SpawnedIdp> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ISSUER: `http://127.0.0.1:${port}`, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  const lines: LogLine[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    // The development banner is plain text; only the JSON lines are log lines.
    for (const text of complete) if (text.startsWith('{')) lines.push(JSON.parse(text) as LogLine);
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve(code ?? signal ?? 'unknown');
    }),
  );

  const logLine = (match: (line: LogLine) => boolean, timeoutMs = 15_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) return done(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null)
          done(() => reject(new Error(`process ended (${child.exitCode ?? child.signalCode}) before the log line; stderr:\n${stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no such log line within ${timeoutMs} ms; stderr:\n${stderr}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };

  if (options.untilReady !== false) await untilReady(`http://127.0.0.1:${port}/readyz`, child, () => stderr);
  return { port, url: `http://127.0.0.1:${port}`, child, lines, exited, stderr: () => stderr, logLine, stop };
}

async function untilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${stderr()}`);
    if (
      await fetch(url).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready within 30 s:\n${stderr()}`);
}

/** Ends every process this module started that is still running (afterAll, also after a failure). */
export async function killStarted(): Promise<void> {
  const running = [...started];
  await Promise.all(
    running.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGKILL');
        }),
    ),
  );
}
