import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** Our own source (AEP has none like it): a folder on the server, for laptops and shared mounts. */
export const LOCAL_FOLDER_SPEC_ID = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';

export const localFolderSpec: ConnectionSpec = {
  id: LOCAL_FOLDER_SPEC_ID,
  name: 'local-folder',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Local folder', isPreview: false },
  },
  authSpec: [
    {
      name: 'Local Folder',
      type: 'LocalFolder',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        description: 'Defines auth params required for reading a folder on the Tributary server.',
        properties: {
          path: {
            title: 'Folder path',
            type: 'string',
            description: 'Absolute path of the root folder on the server; nothing outside it can be read.',
            pattern: '^/',
          },
        },
        required: ['path'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('a local folder'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
