import type { Logger } from './log.ts';
import type { UpstreamAuditEvent } from './upstream/audit-events.ts';

/** The audit events we emit; each carries only identifiers, never a secret. */
export type AuditEvent =
  | 'password.requested' | 'mail.sent' | 'mail.failed' | 'password.set'
  | 'login.password_verified' | 'login.success' | 'login.failure' | 'login.locked' | 'login.restarted'
  | 'mfa.enrolled' | 'mfa.failure' | 'mfa.removed' | 'recovery.used'
  | 'account.created' | 'account.disabled' | 'account.enabled' | 'account.mfa_reset'
  | 'password.changed' | 'sessions.ended'
  | 'account.reauthenticated' | 'account.change_refused' | 'recovery.regenerated'
  | 'scim.user_created' | 'scim.user_updated' | 'scim.user_deleted' | 'scim.access_refused'
  | 'invitation.sent' | 'invitation.not_sent' | 'invitation.expired_link'
  | 'account.end_date_set' | 'account.end_reminder_sent' | 'account.ended'
  | 'account.role_granted' | 'account.role_revoked' | 'account.unlocked' | 'admin.refused'
  | UpstreamAuditEvent;

export interface Audit { (event: AuditEvent, fields?: Record<string, unknown>): void }

export function createAudit(log: Logger): Audit {
  const audit = log.child({ audit: true });
  return (event, fields = {}) => audit.info({ event, ...fields }, event);
}
