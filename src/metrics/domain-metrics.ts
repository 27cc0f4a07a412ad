import type { Audit, AuditEvent } from '../audit.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Metrics } from './metrics.ts';

type Fields = Record<string, unknown>;

/** A second factor as a label: the amr value or factor name a handler used, folded into a fixed set. */
function factorOf(value: unknown): string {
  if (value === 'otp' || value === 'totp') return 'totp';
  if (value === 'hwk' || value === 'swk' || value === 'passkey') return 'passkey';
  if (value === 'recovery') return 'recovery';
  return 'other';
}

/** How a successful sign-in was finished: the second entry of ["pwd" or "fed", factor, "mfa"], or a passkey alone. */
function signInFactor(amr: unknown): string {
  if (!Array.isArray(amr)) return 'other';
  return factorOf(amr[0] === 'pwd' || amr[0] === 'fed' ? amr[1] : amr[0]);
}

/** A check on My account or in the console ("confirm it's you", the current password) is not a sign-in (mfa/result.ts, Via). */
const atSignIn = (f: Fields) => f.via !== 'self' && f.via !== 'console';

const COUNTERS: Partial<Record<AuditEvent, (m: Metrics, f: Fields) => void>> = {
  'login.success': (m, f) => m.signIns.inc({ outcome: 'success', factor: signInFactor(f.amr) }),
  'login.failure': (m, f) => {
    if (atSignIn(f)) m.signIns.inc({ outcome: 'failure', factor: f.method === 'passkey' ? 'passkey' : 'password' });
  },
  'mfa.failure': (m, f) => {
    if (atSignIn(f)) m.signIns.inc({ outcome: 'failure', factor: factorOf(f.factor) });
  },
  'login.locked': (m, f) => m.lockouts.inc({ step: f.step === 'code' ? 'code' : 'password' }),
  'mfa.enrolled': (m, f) => m.enrolments.inc({ factor: factorOf(f.factor) }),
  'recovery.used': (m) => m.recoveryCodesUsed.inc(),
  'password.requested': (m, f) => {
    if (f.sent === true) m.resetLinksIssued.inc();
  },
  // Set by its holder through a mailed link; not an account seeded by an operator.
  'password.set': (m, f) => {
    if (f.via === 'self') m.resetLinksUsed.inc();
  },
};

/** The audit trail, also counted: every handler and account operation already reports what happened, so metrics hook in here once. */
export function countedAudit(audit: Audit, metrics: Metrics): Audit {
  const count = (event: AuditEvent, fields: Fields) => COUNTERS[event]?.(metrics, fields);
  return Object.assign(
    (event: AuditEvent, fields: Fields = {}) => {
      audit(event, fields);
      count(event, fields);
    },
    {
      ...audit,
      async account(accountId: string, event: AuditEvent, fields: Fields = {}) {
        await audit.account(accountId, event, fields);
        count(event, fields);
      },
    },
  );
}

/** Every mail the service sends, counted by whether the mail server took it. */
export function countedMailer(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    ...mailer,
    async send(mail) {
      try {
        await mailer.send(mail);
        metrics.mails.inc({ result: 'sent' });
      } catch (error) {
        metrics.mails.inc({ result: 'failed' });
        throw error;
      }
    },
  };
}
