import type { MessageKey } from '../i18n/index.ts';
import type { CredentialType, FactorFailure, FactorResult } from '../mfa/result.ts';
import { PASSKEY_RESPONSE } from '../mfa/passkey/response-schema.ts';
import type { Ctx } from '../request-state.ts';
import { readForm, type FieldErrors, type FieldMessage } from './form.ts';

const INVALID: Record<CredentialType, MessageKey> = {
  password: 'login.invalid',
  code: 'verify.invalid',
  recovery: 'recovery.invalid',
  passkey: 'passkey.failed',
};
const LOCKED: Record<CredentialType, MessageKey> = {
  password: 'login.locked',
  code: 'verify.locked',
  recovery: 'verify.locked',
  passkey: 'verify.locked',
};

/** What a failed credential check becomes: what the user reads, and the status the page gets. */
export function factorFailure(ctx: Ctx, type: CredentialType, failure: FactorFailure): { message: FieldMessage; status: number } {
  if (failure.kind === 'locked') {
    ctx.set('Retry-After', String(failure.retryAfter));
    return { message: { key: LOCKED[type], params: { minutes: Math.max(1, Math.ceil(failure.retryAfter / 60)) } }, status: 429 };
  }
  if (failure.kind === 'expired') return { message: 'account.totp.expired', status: 400 };
  return { message: INVALID[type], status: type === 'password' ? 401 : 400 };
}

/** The page a check was posted from, shown again with what went wrong. */
type ShowAgain = (errors: FieldErrors, status: number) => Promise<void>;
type Passed<T extends object> = { kind: 'ok' } & T;

/**
 * The one place a verifier's answer (src/mfa/<factor>/verify.ts) becomes the
 * page: a passed check is handed back to go on with; a failure is shown again
 * by `page`, its message at `field` (or the form's), with its status, and
 * undefined comes back.
 */
export async function passedOrShown<T extends object>(
  ctx: Ctx,
  type: CredentialType,
  result: FactorResult<T>,
  page: ShowAgain,
  field = 'form',
): Promise<Passed<T> | undefined> {
  if (result.kind === 'ok') return result;
  const { message, status } = factorFailure(ctx, type, result);
  // An offer that lapsed is about the whole form, not what was typed.
  await page({ [result.kind === 'expired' ? 'form' : field]: message }, status);
  return undefined;
}

/** A code typed in a form's `field` (an app's code, a recovery code), through its verifier; a form without one is shown first. */
export async function postedCode<T extends object>(
  ctx: Ctx,
  type: 'code' | 'recovery',
  field: { name: string; max: number },
  verify: (code: string) => Promise<FactorResult<T>>,
  page: ShowAgain,
): Promise<Passed<T> | undefined> {
  const form = readForm(ctx, { [field.name]: field.max });
  if (!form.ok) return void (await page(form.errors, 400));
  return passedOrShown(ctx, type, await verify(form.values[field.name]!), page, field.name);
}

/** A passkey's answer posted by public/passkey.js, through its verifier; a post without one is a failed attempt like any other. */
export async function postedPasskey<T extends object>(
  ctx: Ctx,
  verify: (response: string) => Promise<FactorResult<T>>,
  page: ShowAgain,
): Promise<Passed<T> | undefined> {
  const form = readForm(ctx, PASSKEY_RESPONSE);
  return passedOrShown(ctx, 'passkey', await verify(form.ok ? form.values.response : ''), page);
}
