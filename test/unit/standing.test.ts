import { standingProblem, FIRST_FACTOR_MAX_AGE, signInTime } from '../../src/accounts/standing.ts';
import { newAccount, type Account } from '../../src/accounts/account.ts';
import { useClock } from '../../src/clock.ts';

const NOW = 1_800_000_000;
const account = (changes: Partial<Account> = {}): Account => ({ ...newAccount({ id: 'a1', email: 'a@example.org', name: 'A', locale: 'nl' }), ...changes });

/** The one question every step of a sign-in asks: does it still stand? */
describe('standing of a sign-in', () => {
  test.each<[string, Account | undefined, { loginTs?: number; multiFactor: boolean }, string | undefined]>([
    ['a fresh password step', account(), { loginTs: NOW - 60, multiFactor: false }, undefined],
    ['no account', undefined, { loginTs: NOW, multiFactor: false }, 'account_unusable'],
    ['a disabled account', account({ disabled: true }), { loginTs: NOW, multiFactor: true }, 'account_unusable'],
    // NOW is 2027-01-15 08:00 UTC: 09:00 in Amsterdam.
    ['an account past its end date, not (yet) disabled', account({ endDate: '2027-01-14' }), { loginTs: NOW - 3600, multiFactor: true }, 'account_unusable'],
    ['an account on its end date', account({ endDate: '2027-01-15' }), { loginTs: NOW - 3600, multiFactor: true }, undefined],
    ['a password step before the last reset', account({ sessionsValidAfter: NOW - 10 }), { loginTs: NOW - 11, multiFactor: true }, 'sessions_ended'],
    ['a password step at the reset', account({ sessionsValidAfter: NOW - 10 }), { loginTs: NOW - 10, multiFactor: false }, undefined],
    ['a password step just past the age limit', account(), { loginTs: NOW - FIRST_FACTOR_MAX_AGE - 1, multiFactor: false }, 'first_factor_stale'],
    ['an old but complete sign-in', account(), { loginTs: NOW - 3600, multiFactor: true }, undefined],
  ])('%s', (_name, acc, signIn, problem) => {
    expect(standingProblem(acc, signIn, NOW)).toBe(problem);
  });

  test('a sign-in passing right after a reset is stamped no earlier than the reset', () => {
    const restore = useClock({ nowMs: () => NOW * 1000 });
    try {
      expect(signInTime(account({ sessionsValidAfter: NOW + 1 }))).toBe(NOW + 1);
      expect(signInTime(account({ sessionsValidAfter: NOW - 100 }))).toBe(NOW);
    } finally {
      restore();
    }
  });
});
