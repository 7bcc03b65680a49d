import type { FileConnector } from '../sdk.js';
import { AMAZON_S3_SECRET_PARAMS, amazonS3Spec } from './amazon-s3.spec.js';
import { AmazonS3Storage } from './amazon-s3.storage.js';
import { parseS3Settings } from './s3-settings.js';

export { AMAZON_S3_SPEC_ID, amazonS3Spec } from './amazon-s3.spec.js';
export { AmazonS3Storage } from './amazon-s3.storage.js';
export { parseS3Settings, s3Settings, type S3Access, type S3Settings } from './s3-settings.js';

export const amazonS3: FileConnector = {
  spec: amazonS3Spec,
  secretParams: AMAZON_S3_SECRET_PARAMS,
  credentialUrlParams: ['serviceUrl'],
  open(params, context) {
    return new AmazonS3Storage(parseS3Settings(params, context?.egress));
  },
};
