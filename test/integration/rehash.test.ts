import argon2 from 'argon2';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { signInUntil } from '../support/journey.ts';
import { updateAccount } from '../../src/accounts/update.ts';

const PASSWORD = 'an older hashed password';

/** A password hashed with older parameters is re-hashed at OWASP's argon2id profile at the next login. */
describe('password hash upgrade', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp();
  });
  afterAll(() => idp.close());

  test('a login with an old-parameter hash upgrades it to m=19456, t=2, p=1', async () => {
    const email = 'old-hash@example.org';
    await idp.createAccount(email);
    const { accounts } = idp.app.services;
    const old = await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 });
    const { id } = (await accounts.findByEmail(email))!;
    await updateAccount(accounts, id, (a) => {
      a.passwordHash = old;
    });

    const browser = new Browser(idp.issuer);
    await signInUntil(idp, browser, 'mfa-notice', { email, password: PASSWORD });
    const upgraded = (await accounts.findById(id))!.passwordHash!;
    const [, type, , params] = upgraded.split('$');
    expect(type).toBe('argon2id');
    expect(params!.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await argon2.verify(upgraded, PASSWORD)).toBe(true);
  });
});
