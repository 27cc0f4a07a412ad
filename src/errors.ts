import type { MessageKey } from './i18n/index.ts';

/**
 * Errors a user can meet. Each names its status and the message shown; the
 * mapping to a page happens in one place (web/error-pages.ts).
 */
export class UserFacingError extends Error {
  readonly status: number;
  readonly messageKey: MessageKey;
  constructor(status: number, messageKey: MessageKey, detail?: string) {
    super(detail ?? messageKey);
    this.status = status;
    this.messageKey = messageKey;
  }
}

export class SignInExpired extends UserFacingError {
  constructor(detail?: string) {
    super(400, 'error.session', detail);
  }
}
export class InvalidCsrfToken extends UserFacingError {
  constructor() {
    super(403, 'error.csrf');
  }
}
export class TooManyRequests extends UserFacingError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(429, 'error.too_many');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The browser closed the connection before its answer: nobody reads this (499, as proxies log it). */
export class ClientGone extends UserFacingError {
  constructor() {
    super(499, 'error.request', 'the client closed the connection');
  }
}
