import { pino, type DestinationStream, type Logger } from 'pino';
import { requestContext } from './request-context.ts';

/**
 * One JSON logger. Secrets never reach it: we only log what we name, and the
 * redaction list is a second line of defence for fields that must never appear.
 * Lines written while serving a request carry its id (reqId).
 */
export function createLogger(level: string, destination: DestinationStream = batchedStdout()): Logger {
  return pino({
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
  }, destination);
}

/**
 * Standard output, written in batches (4 KiB, or every 250 ms) instead of one
 * write per line: a write per line cost a sign-in as much as its store round
 * trips. What is buffered is written at exit (pino flushes on exit); a process
 * killed with SIGKILL loses at most its last 250 ms of lines.
 */
function batchedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => stdout.flush(), 250).unref();
  return stdout;
}

export type { Logger };
