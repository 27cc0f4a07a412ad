import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';

/**
 * The runner and its server processes talk over the fork IPC channel:
 * requests { id, op, args }, answers { id, result } or { id, error }.
 * Servers announce { ready: url } once they listen.
 */
type Handler = (args: never) => Promise<unknown>;

export function serveIpc(handlers: Record<string, Handler>): void {
  process.on('message', (message: { id: number; op: string; args: unknown }) => {
    const handler = handlers[message.op];
    const reply = handler ? handler(message.args as never) : Promise.reject(new Error(`unknown op ${message.op}`));
    reply.then(
      (result) => process.send!({ id: message.id, result }),
      (err: Error) => process.send!({ id: message.id, error: err?.stack ?? String(err) }),
    );
  });
}

export interface ServerProcess {
  kind: string;
  url: string;
  pid: number;
  /** The cores it may run on (Linux: Cpus_allowed_list), as the kernel says. */
  cores?: string;
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  /** Asks the server to exit (flushing a CPU profile, if any), then waits for it. */
  stop(): Promise<void>;
}

/** A process's allowed cores from /proc (undefined where there is none). */
export function allowedCores(pid: number | 'self'): string | undefined {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
/** What `npm start` and the image start the service with (glibc's malloc settings). */
const SERVICE_NODE = fileURLToPath(new URL('../bin/service-node', import.meta.url));

/** Starts a server process; with `core`, pinned to that core from its first instruction (taskset runs the launcher). */
export async function startServer(kind: string, options: Record<string, unknown>, core?: string): Promise<ServerProcess> {
  const nodeArgs = ['--expose-gc', '--no-warnings'];
  const child: ChildProcess = fork(ENTRY, [kind, JSON.stringify(options)], {
    // fork runs execPath with execArgv before the module: `taskset -c N service-node --expose-gc … server.ts`.
    ...(core === undefined ? { execPath: SERVICE_NODE, execArgv: nodeArgs } : { execPath: 'taskset', execArgv: ['-c', core, SERVICE_NODE, ...nodeArgs] }),
    // This Node binary first on PATH, for the launcher's `exec node`.
    env: { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter) },
    // The service's own log (audit lines included) is written, but not to our terminal.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(`${kind} server: ${m.error}`));
    else p?.resolve(m.result as never);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { ready?: string }) => m.ready && resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
  });
  return {
    kind,
    url,
    pid: child.pid!,
    cores: allowedCores(child.pid!),
    call(op, args) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op, args });
      });
    },
    async stop() {
      if (child.exitCode === null) child.send({ id: -1, op: 'exit', args: null });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
