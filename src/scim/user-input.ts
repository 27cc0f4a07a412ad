import { z } from 'zod';
import { CBS_EXTENSION, USER_SCHEMA } from './schema.ts';
import { invalidValue } from './errors.ts';

/** Bounded strings: nothing unbounded reaches the account (the whole body is limited to 64 kB too). */
const text = (max: number) => z.string().max(max);

/**
 * A User as a client may send it (POST, PUT, and the result of a PATCH). The
 * attributes we keep are checked strictly; others a provisioning system sends
 * (title, phoneNumbers, …) are ignored, as RFC 7643 allows.
 */
export const userInput = z.looseObject({
  schemas: z
    .array(text(200))
    .min(1)
    .max(5)
    .refine((s) => s.includes(USER_SCHEMA), `schemas must include ${USER_SCHEMA}`),
  userName: text(254),
  externalId: text(200).nullish(),
  name: z.looseObject({ formatted: text(200).nullish(), givenName: text(100).nullish(), familyName: text(100).nullish() }).nullish(),
  displayName: text(200).nullish(),
  emails: z
    .array(z.looseObject({ value: text(254), primary: z.boolean().nullish(), type: text(30).nullish() }))
    .max(10)
    .nullish(),
  preferredLanguage: text(35).nullish(),
  active: z.boolean().nullish(),
  [CBS_EXTENSION]: z
    .looseObject({
      sendInvitation: z.boolean().nullish(),
      endDate: text(10).nullish(),
    })
    .nullish(),
});
export type UserInput = z.infer<typeof userInput>;

export const patchInput = z.object({
  schemas: z.array(text(200)).min(1).max(2),
  Operations: z
    .array(z.looseObject({ op: text(10), path: text(500).optional(), value: z.unknown().optional() }))
    .min(1)
    .max(50),
});

/** Parses a body with a schema; the first problem becomes a SCIM invalidValue (or invalidSyntax for the shape of the message). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map(String).join('.') || 'body';
  throw invalidValue(`${where}: ${issue.message}`);
}
