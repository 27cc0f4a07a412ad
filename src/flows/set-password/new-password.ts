import { checkPassword, MAX_LENGTH, MIN_LENGTH } from '../../accounts/password-policy.ts';
import type { FieldErrors } from '../../web/form.ts';

/**
 * The password rules plus the confirmation, for every form that sets a password
 * (the e-mailed link, My account). Adds to `errors` what is wrong.
 */
export function newPasswordErrors(values: { password: string; confirm: string }, email: string, errors: FieldErrors): FieldErrors {
  const problem = values.password ? checkPassword(values.password, email)[0] : undefined;
  if (problem) errors.password = { key: `set.error.${problem}`, params: { min: MIN_LENGTH, max: MAX_LENGTH } };
  if (!errors.password && !errors.confirm && values.password !== values.confirm) errors.confirm = 'set.error.mismatch';
  return errors;
}
