import { UserFacingError } from '../errors.ts';

/**
 * Why an institution sign-in did not go through, each with its page (the
 * message upstream.failure.<reason>) and status:
 * - unavailable: the provider did not answer, too slowly, or with a server error (503);
 * - refused: it answered with an error (the person cancelled, or it refused this service);
 * - invalid: its answer failed a check: the ID token's issuer, audience, expiry, nonce or signature;
 * - state: the answer belongs to no sign-in that is waiting (unknown, used already, or expired);
 * - other_browser: it belongs to a sign-in that another browser started;
 * - identifier: the provider gave no lasting identifier of the person (missing, or transient).
 */
type UpstreamFailureReason = 'unavailable' | 'refused' | 'invalid' | 'state' | 'other_browser' | 'identifier';

const STATUS: Record<UpstreamFailureReason, number> = { unavailable: 503, refused: 400, invalid: 400, state: 400, other_browser: 400, identifier: 400 };

export class UpstreamFailure extends UserFacingError {
  readonly reason: UpstreamFailureReason;
  constructor(reason: UpstreamFailureReason, detail: string, options?: { cause?: unknown }) {
    super(STATUS[reason], `upstream.failure.${reason}`, detail);
    this.reason = reason;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
