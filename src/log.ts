import { pino, type DestinationStream, type Logger } from 'pino';
import { requestContext } from './request-context.ts';

/**
 * One JSON logger. Secrets never reach it: we only log what we name, and the
 * redaction list is a second line of defence for fields that must never appear.
 * Lines written while serving a request carry its id (reqId).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
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

export type { Logger };
