import { randomBytes } from 'node:crypto';
import { secretBits, SECRET_MIN_BITS } from '../../src/security/secret-strength.ts';

/** Generated secrets pass; what a person or a pattern made does not, however many distinct characters it has. */
describe('secret strength', () => {
  test.each([
    ['openssl rand -hex 16 (32 characters)', () => randomBytes(16).toString('hex')],
    ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
    ['openssl rand -base64 32', () => randomBytes(32).toString('base64')],
    ['base64url of 24 bytes (32 characters)', () => randomBytes(24).toString('base64url')],
  ])('%s passes, every time', (_what, generate) => {
    for (let i = 0; i < 300; i++) {
      const secret = generate();
      expect([secret, secretBits(secret) >= SECRET_MIN_BITS]).toEqual([secret, true]);
    }
    expect(secretBits(randomBytes(32).toString('hex'))).toBeGreaterThan(200);
  });

  test.each([
    ['one character', 'x'],
    ['32 times the same', 'a'.repeat(32)],
    ['all zeros but one', `${'0'.repeat(63)}1`],
    ['pairs counting up, twice (16 distinct bytes)', '00112233445566778899aabbccddeeff'.repeat(2)],
    ['a run, repeated', '0123456789abcdef'.repeat(4)],
    ['the alphabet', 'abcdefghijklmnopqrstuvwxyz012345'],
    ['a keyboard row', 'qwertyuiopasdfghjklzxcvbnm123456'],
    ['a word, repeated', 'deadbeef'.repeat(8)],
    ['a random half, typed twice', `${randomBytes(8).toString('hex')}`.repeat(4)],
    ['a word and a number, repeated', 'Wachtwoord123Wachtwoord123Wachtwoord'],
    ["the test suite's own", 'portal-secret'],
  ])('%s is refused', (_what, secret) => {
    expect(secretBits(secret)).toBeLessThan(SECRET_MIN_BITS);
  });
});
