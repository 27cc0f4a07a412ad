import { pino, type DestinationStream, type Logger } from 'pino';
import sonicBoom, { type SonicBoomOpts } from 'sonic-boom';
import { requestContext } from './request-context.ts';

/**
 * One JSON logger. Secrets never reach it: we only log what we name, and the
 * redaction list is a second line of defence for fields that must never appear.
 * Lines written while serving a request carry its id (reqId).
 */
export function createLogger(level: string, destination: DestinationStream = batchedStdout()): Logger {
  return pino(
    {
      level,
      base: { service: 'cbs-idp' },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { reqId: context.requestId } : {};
      },
      redact: {
        paths: ['password', 'token', 'code', 'secret', '*.password', '*.token', '*.code', '*.secret', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

// The package is CommonJS: its default export is the class (its types say otherwise).
const SonicBoom = sonicBoom as unknown as typeof import('sonic-boom').SonicBoom;

/** One per process, as there is one stdout: every logger of the process shares it. */
let stdoutSink: DestinationStream | undefined;

function batchedStdout(): DestinationStream {
  stdoutSink ??= openStdout();
  return stdoutSink;
}

/**
 * Standard output, written in batches (4 KiB, or every 250 ms) instead of one
 * write per line: a write per line cost a sign-in as much as its store round
 * trips. What is buffered is written at exit; a process killed with SIGKILL
 * loses at most its last 250 ms of lines.
 *
 * Whatever the reader of stdout does, the process still ends: when it is gone
 * (a closed pipe answers EPIPE) the lines are lost, and when it stops reading
 * (a full pipe), the flush at exit gives up after a second. Hence sonic-boom 5
 * and not pino's own sonic-boom 4, whose flush at exit retries an EPIPE forever.
 * Buffered lines are capped at 16 MiB; beyond that, new lines are dropped.
 */
function openStdout(): DestinationStream {
  const stdout = new SonicBoom({ fd: 1, sync: false, minLength: 4096, maxLength: 16 * 1024 * 1024, maxWriteRetries: 10 } as SonicBoomOpts);
  // Whether the last write failed (nowhere to say so: the log is what failed); the next batch tries again.
  let broken = false;
  stdout.on('error', () => {
    broken = true;
  });
  stdout.on('write', () => {
    broken = false;
  });
  setInterval(() => stdout.flush(), 250).unref();
  process.on('exit', () => {
    if (broken) return;
    try {
      stdout.flushSync();
    } catch {
      // The reader went away or stopped reading during the flush: its lines are lost, the exit is not.
    }
  });
  return stdout;
}

export type { Logger };
