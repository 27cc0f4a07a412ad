import { UserSchema, cbsExtension, CBS_EXTENSION, LIST_SCHEMA, USER_SCHEMA } from './schema.ts';
import { MAX_COUNT } from './users.ts';
import { notFound } from './errors.ts';

/** The three documents a SCIM client reads first (RFC 7644 §4): what we support, which resources, their schemas. */
export function discovery(base: string) {
  const list = (resources: object[]) => ({
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  });
  const schemas = [UserSchema.definition.describe(`${base}/Schemas`), cbsExtension.describe(`${base}/Schemas`)];
  const userType = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A CBS Microdata account; userName is the e-mail address',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: CBS_EXTENSION, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
  const config = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${base.replace(/\/scim\/v2$/, '')}/`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "An access token from this provider's token endpoint (client_credentials grant, scope=scim)",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
  const one = <T extends { id: string }>(items: T[], id: string) => {
    const item = items.find((i) => i.id === id);
    if (!item) throw notFound();
    return item;
  };
  return {
    serviceProviderConfig: () => config,
    resourceTypes: () => list([userType]),
    resourceType: (id: string) => one([userType], id),
    schemas: () => list(schemas),
    schema: (id: string) => one(schemas, id),
  };
}
