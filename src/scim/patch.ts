import SCIMMY from 'scimmy';
import type { Account } from '../accounts/account.ts';
import { CBS_EXTENSION, UserSchema } from './schema.ts';
import { nameAsGiven, toScimUser } from './user-resource.ts';
import { parseBody, patchInput } from './user-input.ts';

/**
 * Applies a PatchOp message (RFC 7644 §3.5.2) to the account's SCIM User with
 * scimmy, which checks paths, value filters, types and mutability. Returns the
 * User as it would be after the patch, for the same checks as a PUT; undefined
 * when the patch changes nothing.
 */
export async function patchedUser(account: Account, body: unknown, base: string): Promise<Record<string, unknown> | undefined> {
  const message = parseBody(patchInput, body);
  const user = toScimUser(account, base);
  // The invitation is the service's to report, never a client's to write: not part of what is patched.
  const { invitation: _readOnly, ...extension } = user[CBS_EXTENSION];
  // The name as given, not the formatted one made for reading: a patched family name then changes the name shown.
  const target = new UserSchema({ ...user, name: nameAsGiven(account), [CBS_EXTENSION]: extension }, 'out');
  const result = await new SCIMMY.Messages.PatchOp(message as never).apply(target);
  if (!result) return undefined;
  const patched = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  // sendInvitation is write-only (returned never), so it is read from the instance rather than its JSON.
  const sendInvitation = (result as unknown as Record<string, { sendInvitation?: boolean } | undefined>)[CBS_EXTENSION]?.sendInvitation;
  const patchedExtension = (patched[CBS_EXTENSION] ?? {}) as Record<string, unknown>;
  return { ...patched, [CBS_EXTENSION]: { ...patchedExtension, ...(sendInvitation ? { sendInvitation } : {}) } };
}
