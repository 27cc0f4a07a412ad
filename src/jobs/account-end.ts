import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import type { Actor } from '../accounts/events.ts';
import { endAccount, remindOfEnd, rescheduleEndCheck } from '../accounts/operations/end-date.ts';
import { endDateDue } from '../accounts/end-date.ts';
import { composeMail } from '../mail/templates.ts';
import { nowSeconds } from '../clock.ts';
import { dayOf } from '../i18n/format.ts';

export interface AccountEndJob {
  /** One pass over the accounts due; the timer calls it, tests call it after moving the clock. */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

/** Accounts read from the schedule at a time. */
const BATCH = 100;

/** Who the account's history says acted. */
const JOB: Actor = { via: 'job', by: 'account-end' };

type AccountEndDeps = Pick<Services, 'replay' | 'store' | 'logout' | 'accounts' | 'audit' | 'mailer' | 'log' | 'config'>;

/**
 * Accounts with an end date: a reminder mail END_REMINDER_DAYS before, and at
 * the end the account is disabled like `accounts disable` (sessions and tokens
 * end). Every instance runs this; the store's replay guard lets one of them
 * act on each account, and the account records what was done, so each happens
 * once per end date. A claim lasts an hour: a mail that failed is tried again.
 */
export function startAccountEndJob(s: AccountEndDeps): AccountEndJob {
  let running: Promise<void> | undefined;

  /** Does what is due; false when another instance holds it. */
  const act = async (account: Account, due: 'remind' | 'end') => {
    if (!(await s.replay.claim(`account-end:${account.id}`, `${due}:${account.endDate}`, 3600))) return false;
    if (due === 'end') {
      await endAccount(s, JOB, account);
      return true;
    }
    const date = dayOf(account.endDate!);
    await s.mailer.send(await composeMail('end-reminder', 'mail.end.subject', account.email, account.locale, { name: account.name, date }));
    await remindOfEnd(s, JOB, account);
    return true;
  };
  /** Scheduled, yet nothing is due now: written again, the account gets the check its fields call for. */
  const reschedule = (account: Account) => rescheduleEndCheck(s, account);

  /**
   * Reads only the accounts whose end check is due (the store's schedule), a batch
   * at a time. An account acted on leaves the schedule (its next check moves on);
   * one that stays (another instance acts on it, a mail failed) is stepped over.
   */
  const pass = async () => {
    const now = nowSeconds();
    for (let skipped = 0; ; ) {
      const batch = await s.accounts.endChecksDue(now, skipped, BATCH);
      for (const account of batch) {
        const due = endDateDue(account, now);
        // One account's failure (a mail server hiccup) must not hold up the others.
        const done = await (due ? act(account, due) : reschedule(account)).catch((err: unknown) => {
          s.log.error({ err, accountId: account.id, due }, 'account end date step failed');
          return false;
        });
        if (!done) skipped++;
      }
      if (batch.length < BATCH) return;
    }
  };

  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => s.log.error({ err }, 'account end date check failed'));
  }, s.config.accountEndCheckSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
