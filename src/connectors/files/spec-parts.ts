/**
 * The parts of a connection spec every file source shares: what a source connection's `params`
 * look like and what exploring answers. Kept in one place so the file connectors cannot drift.
 */

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** AEP's provider id for its own connectors; file sources all carry it. */
export const ADOBE_PROVIDER_ID = '0ed90a81-07f4-4586-8190-b40eccef1c5a';

export function cloudStorageSourceSpec(label: string): Record<string, unknown> {
  return {
    name: 'CloudStorage',
    type: 'CloudStorage',
    spec: {
      $schema: JSON_SCHEMA,
      type: 'object',
      description: `Defines params required when ${label} is used as a source in a flow.`,
      properties: {
        path: {
          type: 'string',
          description: 'The input path: a folder path, a file path or a wildcard pattern (e.g. /acme/*.csv).',
        },
        type: { type: 'string', enum: ['file', 'folder'], description: 'Whether path names a file or a folder.' },
        recursive: { type: 'boolean', default: false, description: 'Whether to read nested sub-folders too.' },
      },
      required: ['path'],
    },
  };
}

export function fileSystemExploreSpec(): Record<string, unknown> {
  return {
    name: 'FileSystem',
    type: 'FileSystem',
    requestSpec: { $schema: JSON_SCHEMA, type: 'object' },
    responseSpec: {
      $schema: JSON_SCHEMA,
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['file', 'folder'] },
          name: { type: 'string' },
          path: { type: 'string' },
          canPreview: { type: 'boolean' },
          canFetchSchema: { type: 'boolean' },
        },
        required: ['type', 'name', 'path'],
      },
    },
  };
}

/** Arrays, as the spec's `PermissionDTO` and the tutorial's flow spec have them (the spec's examples show bare objects). */
export function sourcePermissions(): Record<string, unknown> {
  return {
    view: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['read'] }],
    manage: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['write'] }],
  };
}
