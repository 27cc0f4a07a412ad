import { checkPassword } from '../../src/accounts/password-policy.ts';

const EMAIL = 'j.jansen@example.org';

describe('password policy', () => {
  test.each([
    ['correct horse battery staple', []],
    ['Zeer geheime zin met spaties', []],
    ['ñandú über straße 12', []],
    ['kwetsbaar9', ['too_short']],
    ['x'.repeat(129), ['too_long', 'common']],
    ['password1234', ['common']],
    ['qwerty123456', ['common']],
    ['Wachtwoord2026!', ['common']],
    ['aaaaaaaaaaaaaaaa', ['common']],
    ['jjansen-example-2026', ['personal']],
    ['CBS-Microdata-2026!', ['personal']],
  ])('%s → %j', (password, problems) => {
    expect(checkPassword(password, EMAIL)).toEqual(problems);
  });

  test.each(['j.jansen@example.org', '12345678@ab.nl', 'r2d2.c3po@science.example'])('the address %s, typed twice or with a year, is personal', (email) => {
    expect(checkPassword(`${email}${email}`, email)).toEqual(['personal']);
    expect(checkPassword(`${email.toUpperCase()} 2026`, email)).toEqual(['personal']);
  });

  test('length counts characters, not bytes', () => {
    expect(checkPassword('één twee drié', EMAIL)).toEqual([]);
    expect(checkPassword('😀'.repeat(11), EMAIL)).toContain('too_short');
  });
});
