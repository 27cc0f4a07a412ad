import { timingSafeEqual } from 'node:crypto';

/** Whether two secrets are equal, in time that tells nothing of where they differ. Compares bytes: "é" and "e" differ in length. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
