import { generateSecret, generateURI, verify } from 'otplib';
import { nowSeconds } from '../../clock.ts';

/**
 * TOTP as every authenticator app reads it (Google, Microsoft, Duo, LastPass):
 * SHA-1, 6 digits, 30-second steps, ±1 step of clock drift.
 */
const PERIOD = 30;
const DIGITS = 6;

/** 160 bits from the CSPRNG, base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(issuer: string, email: string, secret: string): string {
  return generateURI({ issuer, label: email, secret, algorithm: 'sha1', digits: DIGITS, period: PERIOD });
}

/** The time step the code belongs to, or undefined when it matches none within the drift window. */
export async function matchTotp(secret: string, code: string, epoch = nowSeconds()): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({ secret, token: code, epoch, epochTolerance: PERIOD, digits: DIGITS, algorithm: 'sha1', period: PERIOD });
  if (!result.valid) return undefined;
  return Math.floor(epoch / PERIOD) + result.delta;
}

/** Replay markers outlive the drift window, so that a code is accepted once per account. */
export const TOTP_MARKER_TTL = PERIOD * 4;

/** "ABCD EFGH ..." for people who type the key by hand. */
export function groupedKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
