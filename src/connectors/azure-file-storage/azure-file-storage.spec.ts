import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Azure File Storage source. */
export const AZURE_FILE_STORAGE_SPEC_ID = 'be5ec48c-5b78-49d5-b8fa-7c89ec4569b8';

export const AZURE_FILE_STORAGE_SECRET_PARAMS = ['password'] as const;

export const azureFileStorageSpec: ConnectionSpec = {
  id: AZURE_FILE_STORAGE_SPEC_ID,
  name: 'azure-file-storage',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Azure File Storage', isPreview: false },
  },
  authSpec: [
    {
      name: 'Basic Authentication',
      type: 'Basic Authentication',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        description: 'Defines auth params required for connecting to Azure File Storage.',
        properties: {
          host: {
            title: 'Share URL',
            type: 'string',
            description:
              'The endpoint of the file share: \\\\{ACCOUNT}.file.core.windows.net\\{SHARE} (or https://{ACCOUNT}.file.core.windows.net/{SHARE}). ' +
              'Without a share, the root lists the shares; a folder after the share confines the connection to it.',
          },
          userId: { title: 'User id', type: 'string', description: 'The user of the share: AZURE\\{ACCOUNT} (the storage account name).' },
          password: { title: 'Access key', type: 'string', description: 'The storage account access key.', format: 'password' },
        },
        required: ['host', 'userId', 'password'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Azure File Storage'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
