import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldErrors } from '../web/form.ts';

/**
 * The one password policy (NIST SP 800-63B): length, and no password that an
 * attacker tries first. No composition rules; spaces and any Unicode allowed.
 */
export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;

type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'personal';

/** Words every guesser tries against our users, besides the public lists. */
const LOCAL_WORDS = ['wachtwoord', 'welkom', 'geheim', 'cbs', 'microdata', 'statistiek', 'password', 'qwerty', 'azerty'];
const common = new Set([...(dictionary['passwords-common'] as string[]), ...LOCAL_WORDS]);

const length = (s: string) => [...s].length;
const alphanumeric = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
const core = (s: string) => s.toLowerCase().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  if (common.has(lower) || common.has(core(password))) return true;
  return new Set(lower).size < 4; // "aaaaaaaaaaaa", "abababababab"
}

/**
 * Built from the e-mail address or the service's own words: little is left once
 * those are taken out — the whole address, its local part and the pieces of
 * both (letters and digits alike), longest first.
 */
function isPersonal(password: string, email: string): boolean {
  const [local = '', domain = ''] = email.toLowerCase().split('@');
  const pieces = [email, local, ...local.split(/[^\p{L}\p{N}]+/u), ...domain.split('.'), 'cbs', 'microdata']
    .map(alphanumeric)
    .filter((w) => w.length >= 3)
    .sort((a, b) => b.length - a.length);
  let rest = alphanumeric(password);
  for (const word of pieces) rest = rest.split(word).join('');
  return rest.length < 8;
}

export function checkPassword(password: string, email: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (length(password) < MIN_LENGTH) problems.push('too_short');
  if (length(password) > MAX_LENGTH) problems.push('too_long');
  if (isCommon(password)) problems.push('common');
  else if (isPersonal(password, email)) problems.push('personal');
  return problems;
}

/**
 * The password rules plus the confirmation, as the messages of every form that
 * sets a password (the e-mailed link, My account). Adds to `errors` what is wrong.
 */
export function newPasswordErrors(values: { password: string; confirm: string }, email: string, errors: FieldErrors): FieldErrors {
  const problem = values.password ? checkPassword(values.password, email)[0] : undefined;
  if (problem) errors.password = { key: `set.error.${problem}`, params: { min: MIN_LENGTH, max: MAX_LENGTH } };
  if (!errors.password && !errors.confirm && values.password !== values.confirm) errors.confirm = 'set.error.mismatch';
  return errors;
}
