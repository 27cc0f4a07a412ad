import type { Context } from 'koa';
import type { MessageKey } from '../i18n/index.ts';
import type { CredentialType, FactorFailure } from '../mfa/result.ts';
import type { FieldMessage } from './form.ts';

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

/** The one place a failed credential check becomes what the user reads, and the status the page gets. */
export function factorFailure(ctx: Context, type: CredentialType, failure: FactorFailure): { message: FieldMessage; status: number } {
  if (failure.kind === 'locked') {
    ctx.set('Retry-After', String(failure.retryAfter));
    return { message: { key: LOCKED[type], params: { minutes: Math.max(1, Math.ceil(failure.retryAfter / 60)) } }, status: 429 };
  }
  return { message: INVALID[type], status: type === 'password' ? 401 : 400 };
}
