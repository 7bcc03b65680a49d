import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Azure Data Lake Storage Gen2 source. */
export const ADLS_GEN2_SPEC_ID = '0ed90a81-07f4-4586-8190-b40eccef1c5a';

export const ADLS_GEN2_SECRET_PARAMS = ['servicePrincipalKey', 'accountKey', 'sasToken'] as const;

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

const URL_PARAM = {
  title: 'Account URL',
  type: 'string',
  description:
    'The endpoint of the account, https://{ACCOUNT}.dfs.core.windows.net. A file system and folder after it ' +
    '(https://{ACCOUNT}.dfs.core.windows.net/{FILESYSTEM}/{FOLDER}) confine the connection to them; without a file system, the root lists the file systems.',
};

export const adlsGen2Spec: ConnectionSpec = {
  id: ADLS_GEN2_SPEC_ID,
  name: 'adls-gen2',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Azure Data Lake Storage Gen2', isPreview: false },
  },
  authSpec: [
    {
      // AEP's own auth spec: a Microsoft Entra ID (AAD) service principal.
      name: 'Basic Authentication for adls-gen2',
      type: 'Basic Authentication',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to Azure Data Lake Storage Gen2 with a service principal.',
        properties: {
          url: URL_PARAM,
          servicePrincipalId: { title: 'Service principal id', type: 'string', description: 'The application (client) id of the service principal.' },
          servicePrincipalKey: {
            title: 'Service principal key',
            type: 'string',
            description: 'The client secret of the service principal.',
            format: 'password',
          },
          tenant: { title: 'Tenant', type: 'string', description: 'The tenant (directory) id or domain the service principal belongs to.' },
        },
        required: ['url', 'servicePrincipalId', 'servicePrincipalKey', 'tenant'],
      },
    },
    {
      // Ours, not AEP's: for accounts reached by key, and for emulators, which have no Entra ID.
      name: 'Account Key for adls-gen2',
      type: 'Account Key',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to Azure Data Lake Storage Gen2 with a storage account key.',
        properties: {
          url: URL_PARAM,
          accountKey: { title: 'Account key', type: 'string', description: 'An access key of the storage account.', format: 'password' },
        },
        required: ['url', 'accountKey'],
      },
    },
    {
      // Ours, not AEP's: a shared access signature of the account or of one file system.
      name: 'SAS Token for adls-gen2',
      type: 'SAS Token',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to Azure Data Lake Storage Gen2 with a shared access signature.',
        properties: {
          url: URL_PARAM,
          sasToken: { title: 'SAS token', type: 'string', description: 'The SAS token (sv=…&sig=…), without the leading "?".', format: 'password' },
        },
        required: ['url', 'sasToken'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Azure Data Lake Storage Gen2'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
