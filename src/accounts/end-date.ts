import { nowSeconds } from '../clock.ts';
import type { Account } from './account.ts';
import { isRemoved } from './find.ts';

/** End dates are calendar days in the Netherlands: an account works up to and including its end date. */
const ZONE = 'Europe/Amsterdam';
const END_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const END_REMINDER_DAYS = 14;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isEndDate(value: string): boolean {
  const match = END_DATE.exec(value);
  if (!match) return false;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === value;
}

/** Made once: a formatter costs far more to make than to use (every account write asks nextEndCheck). */
const AMSTERDAM_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Amsterdam's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function zoneOffsetMs(instantMs: number): number {
  const parts = AMSTERDAM_TIME.formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instantMs / 1000) * 1000;
}

/** The moment (epoch seconds) the account stops working: midnight in Amsterdam after its end date. */
function endInstant(endDate: string): number {
  const [, y, m, d] = END_DATE.exec(endDate)!.map(Number) as [number, number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d + 1);
  return Math.floor((midnightUtc - zoneOffsetMs(midnightUtc)) / 1000);
}

/** Whether the account's end date has passed: from then on nothing lets it in, whatever its other state. */
export function endDatePassed(account: Pick<Account, 'endDate'>, now = nowSeconds()): boolean {
  return account.endDate !== undefined && now >= endInstant(account.endDate);
}

/** What is due for an account with an end date: nothing, the reminder mail, or the end (disabled as by `accounts disable`). */
export function endDateDue(account: Account, now = nowSeconds()): 'remind' | 'end' | undefined {
  if (!account.endDate || isRemoved(account)) return undefined;
  const end = endInstant(account.endDate);
  if (now >= end) return account.disabled ? undefined : 'end';
  const remindFrom = end - END_REMINDER_DAYS * 24 * 3600;
  return now >= remindFrom && account.endDateReminded !== account.endDate && !account.disabled ? 'remind' : undefined;
}

/**
 * When endDateDue next has something for the account (epoch seconds): its reminder,
 * or its end; undefined when nothing is left to do. The store keeps its schedule by it.
 */
export function nextEndCheck(account: Account): number | undefined {
  if (!account.endDate || !isEndDate(account.endDate)) return undefined;
  const end = endInstant(account.endDate);
  return [end - END_REMINDER_DAYS * 24 * 3600, end].find((at) => endDateDue(account, at) !== undefined);
}
