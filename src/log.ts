import { pino, type Logger } from 'pino';

/**
 * One JSON logger. Secrets never reach it: we only log what we name, and the
 * redaction list is a second line of defence for fields that must never appear.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'cbs-idp' },
    redact: {
      paths: ['password', 'token', 'code', 'secret', '*.password', '*.token', '*.code', '*.secret', 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
