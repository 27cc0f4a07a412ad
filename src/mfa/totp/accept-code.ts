import type { Services } from '../../services.ts';
import type { FieldMessage } from '../../web/form.ts';
import { matchTotp, TOTP_MARKER_TTL } from './totp.ts';

/**
 * One code attempt for an account: rate-limited on the server, matched within
 * ±1 time step, and accepted once per account — the activation code too.
 */
export async function acceptCode(s: Services, accountId: string, secrets: string[], code: string): Promise<'ok' | FieldMessage> {
  const blocked = await s.limits.codeBlockedFor(accountId);
  if (blocked) {
    s.audit('login.locked', { accountId, step: 'code' });
    return { key: 'verify.locked', params: { minutes: Math.ceil(blocked / 60) } };
  }
  const normalized = code.replace(/\s+/g, '');
  for (const secret of secrets) {
    const timeStep = await matchTotp(secret, normalized);
    if (timeStep !== undefined && (await s.store.replay.claim(accountId, `totp:${timeStep}`, TOTP_MARKER_TTL))) {
      await s.limits.codeSucceeded(accountId);
      return 'ok';
    }
  }
  await s.limits.codeFailed(accountId);
  s.audit('mfa.failure', { accountId, factor: 'totp' });
  return 'verify.invalid';
}
