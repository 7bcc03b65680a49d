import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Google Cloud Storage source. */
export const GCS_SPEC_ID = '32e8f412-cdf7-464c-9885-78184cb113fd';

export const GCS_SECRET_PARAMS = ['secretAccessKey'] as const;

/** Google's XML API, which speaks the S3 protocol to HMAC keys. */
export const GCS_INTEROPERABLE_ENDPOINT = 'https://storage.googleapis.com';

export const gcsSpec: ConnectionSpec = {
  id: GCS_SPEC_ID,
  name: 'google-cloud-storage',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Google Cloud Storage', isPreview: false },
  },
  authSpec: [
    {
      name: 'Basic Authentication for google-cloud',
      type: 'GoogleCloudStorageAuth',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        description: 'Defines auth params required for connecting to Google Cloud Storage with an HMAC key (interoperability access).',
        properties: {
          accessKeyId: {
            title: 'HMAC access id',
            type: 'string',
            description: 'The access id of the HMAC key (61 characters for a service account key).',
          },
          secretAccessKey: {
            title: 'HMAC secret',
            type: 'string',
            description: 'The secret of the HMAC key (40 characters, base64).',
            format: 'password',
          },
          bucketName: { title: 'Bucket', type: 'string', description: 'Restricts the connection to this bucket.' },
          folderPath: { title: 'Folder path', type: 'string', description: 'Restricts the connection to this folder of the bucket.' },
          serviceUrl: {
            title: 'Service URL',
            type: 'string',
            description: `The XML API endpoint; ${GCS_INTEROPERABLE_ENDPOINT} unless a private endpoint or an emulator is used.`,
            default: GCS_INTEROPERABLE_ENDPOINT,
          },
        },
        required: ['accessKeyId', 'secretAccessKey'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Google Cloud Storage'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
