import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../adapters/index.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { Browser } from '../support/browser.ts';
import { startSignIn } from '../support/journey.ts';
import { seedStoredAccount } from '../support/seed.ts';
import { CLIENTS, clientOf } from '../support/test-idp.ts';
import { freePort, killStarted, spawnIdp, type SpawnedIdp } from '../support/spawned-idp.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'drained but not dropped 2026';
const EMAIL = 'draining@example.org';

/** A GET whose last header line is still to come: in flight on the server until finish() sends it. */
function heldGet(port: number, path: string) {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return {
    finish: () => {
      socket.write('\r\n');
      return ended;
    },
  };
}

/** `node src/main.ts` on the embedded store, with one account whose password is set. */
async function startService(dir: string, env: Record<string, string> = {}): Promise<SpawnedIdp> {
  const secretsKey = randomBytes(32).toString('hex');
  const store = await openStore({ dataDir: dir, redisPrefix: '' });
  await seedStoredAccount(store, createSecretBox(Buffer.from(secretsKey, 'hex')), EMAIL, PASSWORD);
  await store.close();
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
  return spawnIdp({ DATA_DIR: dir, CLIENTS_FILE: join(dir, 'clients.json'), SECRETS_KEY: secretsKey, ...env });
}

async function loginPageOf(service: SpawnedIdp) {
  const browser = new Browser(service.url);
  const signIn = await startSignIn({ client: () => clientOf(service.url) });
  return { browser, page: await browser.follow(signIn.url) };
}

/** How the process ended, or that it still runs 10 s later (well past its SHUTDOWN_TIMEOUT_SECONDS). */
async function exitOrStillRunning(service: SpawnedIdp): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const stillRunning = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('still running 10 s after SIGTERM'), 10_000);
  });
  return Promise.race([service.exited, stillRunning]).finally(() => clearTimeout(timer));
}

const draining = (line: { msg?: string }) => line.msg === 'shutting down: draining requests in flight';

describe('graceful shutdown (SIGTERM to the real process)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cbs-idp-shutdown-'));
  });
  afterEach(async () => {
    await killStarted();
    rmSync(dir, { recursive: true, force: true });
  });

  test('readiness turns 503, new connections are refused, the login in flight gets its normal answer, then the process exits 0', async () => {
    const metricsPort = await freePort();
    const service = await startService(dir, { METRICS_PORT: String(metricsPort) });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);

    const { browser, page } = await loginPageOf(service);
    const login = browser.submitHeld(page, '/login', { username: EMAIL, password: PASSWORD });
    const readiness = heldGet(service.port, '/readyz');
    await new Promise((resolve) => setTimeout(resolve, 200)); // both requests reach the server before the signal
    service.child.kill('SIGTERM');
    await service.logLine(draining);

    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    const readyAnswer = await readiness.finish();
    expect(readyAnswer).toMatch(/^HTTP\/1\.1 503 /);
    expect(readyAnswer).toContain('shutting down');
    expect(service.child.exitCode).toBeNull();

    login.release();
    const answer = await login.answer;
    // The same answer as on a running service: the second-factor step, not an error page.
    expect(answer.status).toBe(200);
    expect(answer.html).toContain(msg('mfa.required'));
    expect(await service.exited).toBe(0);
    // Read once the process has exited: its last log lines may still be in the pipe before that.
    expect(service.lines.some((l) => l.event === 'login.password_verified')).toBe(true);
    expect(service.lines.map((l) => l.msg)).toContain('shut down');
  });

  test('a request that never finishes does not keep the process: it exits 1 after SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const service = await startService(dir, { SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const { browser, page } = await loginPageOf(service);
    const stuck = browser.submitHeld(page, '/login', { username: EMAIL, password: PASSWORD });
    stuck.answer.catch(() => {}); // its connection is cut
    await new Promise((resolve) => setTimeout(resolve, 200));
    service.child.kill('SIGTERM');
    await service.logLine(draining);

    expect(await service.exited).toBe(1);
    expect(service.lines.map((l) => l.msg)).toContain('shutdown timed out: cutting the remaining connections');
  });

  test('a log reader that went away does not keep the process: with its stdout pipe closed, SIGTERM still ends it', async () => {
    const service = await startService(dir, { SHUTDOWN_TIMEOUT_SECONDS: '2' });
    // Lines in the log buffer when the reader goes: a write to a pipe nobody reads answers EPIPE.
    await loginPageOf(service);
    service.child.stdout!.destroy();
    service.child.kill('SIGTERM');
    expect(await exitOrStillRunning(service)).toBe(0);
  });

  test('a log reader that stops reading does not keep the process either', async () => {
    const service = await startService(dir, { SHUTDOWN_TIMEOUT_SECONDS: '2', LOG_LEVEL: 'debug' });
    service.child.stdout!.pause();
    // Enough request lines to fill the pipe (64 KiB on Linux) that nobody empties now.
    for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 50 }, () => fetch(`${service.url}/healthz`)));
    service.child.kill('SIGTERM');
    expect(await exitOrStillRunning(service)).toBe(0);
  });
});
