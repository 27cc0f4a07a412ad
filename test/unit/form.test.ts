import type { Context } from 'koa';
import { readForm } from '../../src/web/form.ts';

const posted = (body: unknown) => ({ request: { body } }) as unknown as Context;

describe('form parsing', () => {
  test('every field is required, trimmed unless kept as typed, and bounded in characters', () => {
    const form = readForm(posted({ username: '  a@example.org ', password: '  spaced  ' }), { username: 254, password: 1024 }, ['password']);
    expect(form).toEqual({ ok: true, errors: {}, values: { username: 'a@example.org', password: '  spaced  ' } });
  });

  test('missing, non-string and overlong fields are named; other fields are ignored', () => {
    const form = readForm(posted({ a: '', b: ['x'], c: 'é'.repeat(5), d: 'extra' }), { a: 10, b: 10, c: 4 });
    expect(form.ok).toBe(false);
    expect(form.errors).toEqual({ a: 'common.required', b: 'common.required', c: 'common.too_long' });
    expect(Object.keys(form.values)).toEqual(['a', 'b', 'c']);
  });

  test('no body at all is a form with every field missing', () => {
    expect(readForm(posted(undefined), { code: 16 }).errors).toEqual({ code: 'common.required' });
  });
});
