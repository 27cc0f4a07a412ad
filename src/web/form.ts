import type { Context } from 'koa';
import type { MessageKey, MessageParams } from '../i18n/index.ts';

/** A message for a field (or 'form' for the whole form), with its parameters when it has any. */
export type FieldMessage = MessageKey | { key: MessageKey; params: MessageParams };
export type FieldErrors = Record<string, FieldMessage>;

/**
 * Reads named text fields from a posted form: every field required, and no
 * longer than its limit (in characters). Anything else in the body is ignored.
 */
export function readForm<K extends string>(ctx: Context, limits: Record<K, number>, keepSpaces: NoInfer<K>[] = []) {
  const body = ((ctx.request as unknown as { body?: Record<string, unknown> }).body ?? {}) as Record<string, unknown>;
  const values = {} as Record<K, string>;
  const errors: FieldErrors = {};
  for (const name of Object.keys(limits) as K[]) {
    const raw = typeof body[name] === 'string' ? (body[name] as string) : '';
    const value = keepSpaces.includes(name) ? raw : raw.trim();
    values[name] = value.length > limits[name] * 4 ? '' : value;
    if (!value) errors[name] = 'common.required';
    else if ([...value].length > limits[name]) errors[name] = 'common.too_long';
  }
  return { values, errors, ok: Object.keys(errors).length === 0 };
}
