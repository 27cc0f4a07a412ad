import SCIMMY from 'scimmy';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** Our extension of the User resource. scimmy only accepts schema ids under urn:ietf:params:scim:schemas:, like the enterprise extension. */
export const CBS_EXTENSION = 'urn:ietf:params:scim:schemas:extension:cbs:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const { Attribute, SchemaDefinition, Schema } = SCIMMY.Types;

export const cbsExtension = new SchemaDefinition('CbsUser', CBS_EXTENSION, 'CBS Microdata account: invitation and end date', [
  new Attribute('boolean', 'sendInvitation', {
    mutable: 'writeOnly',
    returned: 'never',
    description: 'true: (re)send the welcome mail with a set-password link, voiding the previous link',
  }),
  new Attribute('string', 'endDate', { description: 'last day (YYYY-MM-DD, Amsterdam) the account may be used; disabled after it, reminder 14 days before' }),
  new Attribute('complex', 'invitation', { mutable: false, description: 'the welcome mail: pending, expired or accepted' }, [
    new Attribute('string', 'state', { mutable: false, canonicalValues: ['pending', 'expired', 'accepted'] }),
    new Attribute('dateTime', 'sentAt', { mutable: false }),
    new Attribute('dateTime', 'expiresAt', { mutable: false }),
  ]),
]);

class CbsUserExtension extends Schema {
  static override get id() {
    return CBS_EXTENSION;
  }
  static override get definition() {
    return cbsExtension;
  }
}

/** scimmy's schemas are module-wide: the extension is registered once, whatever number of apps run in the process. */
const registered = SCIMMY.Schemas.User.definition.attributes.some((a) => (a as unknown as { id?: string }).id === CBS_EXTENSION);
if (!registered) SCIMMY.Schemas.User.extend(CbsUserExtension as never, false);

export const UserSchema = SCIMMY.Schemas.User;
