import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the Apache HDFS source (beta in AEP). */
export const HDFS_SPEC_ID = '54e221aa-d342-4707-bcff-7a4bceef0001';

export const HDFS_SECRET_PARAMS = [] as const;

export const hdfsSpec: ConnectionSpec = {
  id: HDFS_SPEC_ID,
  name: 'hdfs',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'Apache HDFS', isPreview: true, isBeta: true },
  },
  authSpec: [
    {
      name: 'Anonymous Authentication',
      type: 'Anonymous',
      spec: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        description: 'Defines auth params required for connecting to HDFS through its WebHDFS REST API.',
        properties: {
          url: {
            title: 'WebHDFS URL',
            type: 'string',
            description: 'The WebHDFS address of the name node, e.g. http://namenode:9870 (…/webhdfs/v1 may be included).',
            pattern: '^[hH][tT][tT][pP][sS]?://',
          },
        },
        required: ['url'],
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('Apache HDFS'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
