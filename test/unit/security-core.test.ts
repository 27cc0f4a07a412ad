import { generate } from 'otplib';
import { matchTotp, newTotpSecret } from '../../src/mfa/totp/totp.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { newRecoveryCodes, recoveryCodeHash } from '../../src/mfa/recovery/recovery-codes.ts';
import { pickLocale } from '../../src/i18n/index.ts';
import { normalizeEmail } from '../../src/accounts/email.ts';

const T = 1_800_000_015; // 15 s into a 30-second step

describe('TOTP time steps', () => {
  const secret = newTotpSecret();
  const codeAt = (seconds: number) => generate({ secret, epoch: seconds });

  test('a code matches its own step and one step either side, no further', async () => {
    const step = Math.floor(T / 30);
    expect(await matchTotp(secret, await codeAt(T), T)).toBe(step);
    expect(await matchTotp(secret, await codeAt(T - 30), T)).toBe(step - 1);
    expect(await matchTotp(secret, await codeAt(T + 30), T)).toBe(step + 1);
    expect(await matchTotp(secret, await codeAt(T - 60), T)).toBeUndefined();
    expect(await matchTotp(secret, await codeAt(T + 60), T)).toBeUndefined();
  });

  test('anything but six digits is no code', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 3456']) expect(await matchTotp(secret, code, T)).toBeUndefined();
  });
});

describe('secret sealing', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));
  test('opens what it sealed; each seal differs', () => {
    const [a, b] = [box.seal('JBSWY3DPEHPK3PXP'), box.seal('JBSWY3DPEHPK3PXP')];
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('JBSWY3DPEHPK3PXP');
  });
  test('key rotation: the first key seals, every listed key opens, a dropped key opens nothing', () => {
    const [a, b] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const underA = createSecretBox(a).seal('enrolled before the rotation');
    const rotated = createSecretBox([b, a]);
    expect(rotated.open(underA)).toBe('enrolled before the rotation');
    const underB = rotated.seal('enrolled after');
    expect(createSecretBox(b).open(underB)).toBe('enrolled after');
    expect(() => createSecretBox(b).open(underA)).toThrow(/no longer configured/);
  });

  test('secrets sealed before key ids (v1) still open, by whichever key authenticates them', () => {
    const key = Buffer.alloc(32, 3);
    const v2 = createSecretBox(key).seal('old format').split('.');
    const v1 = ['v1', v2[2], v2[3], v2[4]].join('.');
    expect(createSecretBox([Buffer.alloc(32, 4), key]).open(v1)).toBe('old format');
  });

  test('refuses a tampered or foreign seal', () => {
    const sealed = box.seal('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 8)).open(sealed)).toThrow();
    expect(() => box.open('v2.a.b.c')).toThrow();
  });
});

describe('recovery codes', () => {
  test('ten codes, as typed in any case, with or without the dash or spaces', () => {
    const { codes, hashes } = newRecoveryCodes('acc-1');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const code = codes[0]!;
    for (const typed of [code, code.toLowerCase(), code.replace('-', ''), ` ${code.replace('-', ' ')} `]) {
      expect(recoveryCodeHash('acc-1', typed)).toBe(hashes[0]);
    }
    expect(recoveryCodeHash('acc-2', code)).not.toBe(hashes[0]);
  });
});

describe('locale and address', () => {
  test.each([
    ['en-GB nl', 'en'],
    ['fr de', undefined],
    ['NL', 'nl'],
    [undefined, undefined],
  ])('ui_locales %s → %s', (prefs, locale) => {
    expect(pickLocale(prefs)).toBe(locale);
  });
  test('an address typed with decomposed accents, spaces and capitals is the same address', () => {
    expect(normalizeEmail(' Jose\u0301@Example.ORG ')).toBe('jos\u00e9@example.org');
  });
});
