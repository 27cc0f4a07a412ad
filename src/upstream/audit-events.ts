/**
 * The audit events of institution sign-ins and links (#26). Each carries the
 * provider and, for an identity, only a hash of it (identityRef): the trail can
 * follow one identity without spreading its identifier.
 */
export type UpstreamAuditEvent =
  | 'upstream.started'
  | 'upstream.verified'
  | 'upstream.no_link'
  | 'upstream.refused'
  | 'upstream.failure'
  | 'upstream.linked'
  | 'upstream.unlinked'
  | 'upstream.link_refused';
