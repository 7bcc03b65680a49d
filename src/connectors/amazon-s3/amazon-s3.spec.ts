import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Amazon S3 source. */
export const AMAZON_S3_SPEC_ID = 'ecadc60c-7455-4d87-84dc-2a0e293d997b';

export const AMAZON_S3_SECRET_PARAMS = ['s3SecretKey', 's3SessionToken'] as const;

export const amazonS3Spec: ConnectionSpec = {
  id: AMAZON_S3_SPEC_ID,
  name: 'amazon-s3',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Amazon S3', isPreview: false },
  },
  authSpec: [
    {
      name: 'Access Key',
      type: 'KeyBased',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        description: 'Defines auth params required for connecting to Amazon S3 or an S3-compatible storage.',
        properties: {
          s3AccessKey: { title: 'Access key id', type: 'string', description: 'Access key id of the account.' },
          s3SecretKey: { title: 'Secret access key', type: 'string', description: 'Secret access key of the account.', format: 'password' },
          s3SessionToken: { title: 'Session token', type: 'string', description: 'Session token, for temporary credentials.', format: 'password' },
          serviceUrl: {
            title: 'Service URL',
            type: 'string',
            description: 'Endpoint, e.g. https://s3.{REGION}.amazonaws.com, or the address of any S3-compatible storage (addressed path-style).',
          },
          region: { title: 'Region', type: 'string', description: 'Signing region.', default: 'us-east-1' },
          bucketName: { title: 'Bucket', type: 'string', description: 'Restricts the connection to this bucket.' },
          folderPath: { title: 'Folder path', type: 'string', description: 'Restricts the connection to this folder of the bucket.' },
        },
        required: ['s3AccessKey', 's3SecretKey'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Amazon S3'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
