import type { TestPlatform } from '../support/platform.js';

export const BASE = '/data/foundation/schemaregistry';
export const XED = 'application/vnd.adobe.xed+json; version=1';
export const XED_FULL = 'application/vnd.adobe.xed-full+json; version=1';
export const XED_ID = 'application/vnd.adobe.xed-id+json';

export const PROFILE = 'https://ns.adobe.com/xdm/context/profile';
export const PERSON_DETAILS = 'https://ns.adobe.com/xdm/context/profile-person-details';
export const PERSONAL_DETAILS = 'https://ns.adobe.com/xdm/context/profile-personal-details';

/** The ad-hoc class of the tutorial: every source column described under `_adhoc`. */
export const adhocClassBody = {
  title: 'Cloud storage source data',
  description: 'Columns of the CSV files',
  type: 'object',
  allOf: [
    { $ref: 'https://ns.adobe.com/xdm/data/adhoc' },
    {
      properties: {
        _adhoc: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            first_name: { type: 'string' },
            last_name: { type: 'string' },
            email: { type: 'string' },
          },
        },
      },
    },
  ],
};

/** The seed's target schema request, verbatim (profile-personal-details twice included). */
export const targetSchemaBody = {
  type: 'object',
  title: 'Target schema for a Cloud Storage connector',
  description: 'Target schema for a Cloud Storage connector',
  allOf: [{ $ref: PROFILE }, { $ref: PERSON_DETAILS }, { $ref: PERSONAL_DETAILS }, { $ref: PERSONAL_DETAILS }],
  'meta:containerId': 'tenant',
  'meta:resourceType': 'schemas',
  'meta:xdmType': 'object',
  'meta:class': PROFILE,
};

/** The seed's mapping set request, verbatim, for a target schema's `$id`. */
export function tutorialMappingSetBody(schemaId: string) {
  const attribute = (sourceAttribute: string, destinationXdmPath: string) => ({
    destinationXdmPath,
    sourceAttribute,
    identity: false,
    identityGroup: null,
    namespaceCode: null as string | null,
    version: 0,
  });
  return {
    version: 0,
    xdmSchema: schemaId,
    xdmVersion: '1.0',
    id: null,
    mappings: [
      attribute('first_name', 'person.name.firstName'),
      attribute('last_name', 'person.name.lastName'),
      attribute('id', '_id'),
      attribute('email', 'personalEmail.address'),
    ],
  };
}

export const enc = encodeURIComponent;

export async function createResource(t: TestPlatform, kind: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await t.call('POST', `${BASE}/tenant/${kind}`, body, headers);
  if (res.statusCode !== 201) throw new Error(`POST ${kind} → ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, any>;
}

/** `path:type[/format]` of every leaf of a resolved `properties` tree. */
export function leafPaths(node: any, prefix = ''): string[] {
  return Object.entries<any>(node.properties ?? {}).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    if (child.type === 'object' && child.properties) return leafPaths(child, path);
    return [`${path}:${child.type}${child.format ? `/${child.format}` : ''}`];
  });
}
