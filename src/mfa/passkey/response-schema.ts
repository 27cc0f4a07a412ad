import { z } from 'zod';

/**
 * The shape of what a browser's authenticator answers, checked before anything
 * in it is decoded: types, and lengths bounded well above what real
 * authenticators send (credential ids are at most 1023 bytes, signatures of
 * post-quantum keys reach 4.6 kB, our user handles are account ids). A
 * response that does not fit is simply a failed attempt.
 */
/** The form field that carries a WebAuthn answer, and its size limit in characters. */
export const PASSKEY_RESPONSE = { response: 64 * 1024 };

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*={0,2}$/);
const transports = z.array(z.string().max(32)).max(10).optional();
const extensions = z
  .record(z.string().max(64), z.unknown())
  .refine((o) => Object.keys(o).length <= 16)
  .optional()
  .default({});
const common = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  // Browsers' toJSON() writes null for what they do not know.
  authenticatorAttachment: z
    .enum(['platform', 'cross-platform'])
    .nullish()
    .transform((v) => v ?? undefined),
  clientExtensionResults: extensions,
};

export const registrationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(48 * 1024),
    authenticatorData: b64url(16 * 1024).optional(),
    transports,
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(8192).optional(),
  }),
});

export const authenticationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(16 * 1024),
    signature: b64url(8192),
    userHandle: b64url(128)
      .nullish()
      .transform((v) => v ?? undefined),
  }),
});

/** The part of clientDataJSON we read ourselves (to use up the challenge of a failed attempt). */
export const clientData = z.object({ challenge: b64url(256) });

/** Parses a JSON text against a schema; undefined when it is not JSON or does not fit. */
export function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
