import Keygrip from 'keygrip';
import { cookieSigner } from '../../src/security/cookie-signer.ts';

/** Cookie signatures must stay what keygrip made: sessions signed before an upgrade or a key rotation stay valid. */
describe('cookie signatures', () => {
  const values = ['_session=abc', 'idp.csrf=Zm9v-_', '_interaction=x'.repeat(40), 'é=ü'];

  test('the first key signs, byte for byte as keygrip does', () => {
    const ours = cookieSigner(['new key', 'old key']);
    const theirs = new Keygrip(['new key', 'old key']);
    for (const v of values) expect(ours.sign(v)).toBe(theirs.sign(v));
  });

  test('every listed key verifies, and says which one', () => {
    const old = new Keygrip(['old key']);
    const rotated = cookieSigner(['new key', 'old key']);
    for (const v of values) {
      expect(rotated.index(v, old.sign(v))).toBe(1);
      expect(rotated.index(v, rotated.sign(v))).toBe(0);
      expect(rotated.verify(v, old.sign(v))).toBe(true);
    }
  });

  test('a dropped key, another value, a cut or non-ASCII signature verify nothing', () => {
    const signer = cookieSigner(['new key']);
    const dropped = new Keygrip(['old key']).sign('_session=abc');
    const good = signer.sign('_session=abc');
    expect(signer.index('_session=abc', dropped)).toBe(-1);
    expect(signer.verify('_session=abd', good)).toBe(false);
    expect(signer.verify('_session=abc', good.slice(1))).toBe(false);
    expect(signer.verify('_session=abc', 'é'.repeat(good.length))).toBe(false);
  });

  test('no keys is a configuration error', () => {
    expect(() => cookieSigner([])).toThrow(/cookie keys/);
  });
});
