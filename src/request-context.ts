import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while serving one request should carry. Kept in
 * AsyncLocalStorage so that handlers, audit events and the mails they send
 * after the response are tagged without passing an id through every call.
 */
interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
