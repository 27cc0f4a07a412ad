import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { sameSecret } from './same-secret.ts';

/**
 * Signs and checks cookie signatures (the `.sig` cookies of koa and
 * oidc-provider) exactly as keygrip does — HMAC-SHA1, URL-safe base64 without
 * padding, first key signs, every key verifies — so cookies stay valid across
 * versions and COOKIE_KEYS rotations. Why not keygrip itself: it turns each key
 * string into a key object and compares with two more HMACs under a random
 * key on every cookie read; here the key objects are made once and the
 * comparison is crypto.timingSafeEqual, equally constant-time.
 */
interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  index(data: string, digest: string): number;
}

const urlSafe = (base64: string) => base64.replace(/[/+=]/g, (c) => (c === '/' ? '_' : c === '+' ? '-' : ''));

export function cookieSigner(keys: readonly string[]): CookieSigner {
  if (!keys.length) throw new Error('cookie keys must be provided');
  const keyObjects: KeyObject[] = keys.map((k) => createSecretKey(Buffer.from(k)));
  const mac = (data: string, key: KeyObject) => urlSafe(createHmac('sha1', key).update(data).digest('base64'));
  const index = (data: string, digest: string) => keyObjects.findIndex((key) => sameSecret(digest, mac(data, key)));
  return {
    sign: (data) => mac(data, keyObjects[0]!),
    verify: (data, digest) => index(data, digest) > -1,
    index,
  };
}
