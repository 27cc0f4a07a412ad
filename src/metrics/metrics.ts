import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric the service exports, in one registry per app (tests run several
 * apps in one process). Label values come from small fixed sets — route
 * templates, operation names, outcomes — never from a path, address or token.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'idp_http_request_duration_seconds',
      help: 'HTTP requests by route template, method and status class (2xx…5xx), with their duration',
      labelNames: ['route', 'method', 'status_class'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpInFlight: new Gauge({ name: 'idp_http_requests_in_flight', help: 'HTTP requests being served', registers }),
    storeDuration: new Histogram({
      name: 'idp_store_operation_duration_seconds',
      help: 'Store operations (accounts, single-use tokens, replay markers, provider models) and their duration',
      labelNames: ['operation'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    storeErrors: new Counter({ name: 'idp_store_operation_errors_total', help: 'Store operations that failed', labelNames: ['operation'] as const, registers }),
    signIns: new Counter({
      name: 'idp_sign_ins_total',
      help: 'Sign-in steps by outcome (success, failure) and factor (password, totp, passkey, recovery)',
      labelNames: ['outcome', 'factor'] as const,
      registers,
    }),
    lockouts: new Counter({
      name: 'idp_lockouts_total',
      help: 'Sign-ins refused by a lockout, by step (password, code)',
      labelNames: ['step'] as const,
      registers,
    }),
    enrolments: new Counter({
      name: 'idp_mfa_enrolments_total',
      help: 'Second factors enrolled, by factor (totp, passkey)',
      labelNames: ['factor'] as const,
      registers,
    }),
    recoveryCodesUsed: new Counter({ name: 'idp_recovery_codes_used_total', help: 'Recovery codes used instead of a second factor', registers }),
    mails: new Counter({
      name: 'idp_mails_total',
      help: 'Mails handed to the mail server, by result (sent, failed)',
      labelNames: ['result'] as const,
      registers,
    }),
    resetLinksIssued: new Counter({ name: 'idp_reset_links_issued_total', help: 'Set-password links mailed', registers }),
    backchannelLogouts: new Counter({
      name: 'idp_backchannel_logouts_total',
      help: 'Back-channel logout token deliveries, by outcome (delivered, retried, failed: given up)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    resetLinksUsed: new Counter({ name: 'idp_reset_links_used_total', help: 'Passwords set through a mailed link', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
