import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Azure Blob Storage source. */
export const AZURE_BLOB_SPEC_ID = '4c10e202-c428-4796-9208-5f1f5732b1cf';

export const AZURE_BLOB_SECRET_PARAMS = ['connectionString', 'sasUri'] as const;

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** `container` and `folderPath` narrow where exploring starts, as AEP documents for both auth types. */
const RESTRICTIONS = {
  container: {
    title: 'Container',
    type: 'string',
    description: 'The container the connection is restricted to; without it, the root lists the containers.',
  },
  folderPath: {
    title: 'Folder path',
    type: 'string',
    description: 'The folder of `container` the connection is restricted to, e.g. /acme/customers.',
  },
};

export const azureBlobSpec: ConnectionSpec = {
  id: AZURE_BLOB_SPEC_ID,
  name: 'azure-blob',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Azure Blob Storage', isPreview: false },
  },
  authSpec: [
    {
      name: 'ConnectionString',
      type: 'ConnectionString',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Connection to Azure Blob Storage with the account connection string.',
        properties: {
          connectionString: {
            title: 'Connection string',
            type: 'string',
            description: 'The connection string of the storage account: DefaultEndpointsProtocol=https;AccountName={ACCOUNT};AccountKey={KEY}.',
            format: 'password',
          },
          ...RESTRICTIONS,
        },
        required: ['connectionString'],
      },
    },
    {
      name: 'SasURIAuthentication',
      type: 'SasURIAuthentication',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Connection to Azure Blob Storage with a shared access signature URI.',
        properties: {
          sasUri: {
            title: 'SAS URI',
            type: 'string',
            description: 'The SAS URI of the account (https://{ACCOUNT}.blob.core.windows.net/?sv=…&sig=…) or of one container.',
            format: 'password',
          },
          ...RESTRICTIONS,
        },
        required: ['sasUri'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Azure Blob Storage'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
