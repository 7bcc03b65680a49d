import type { FileConnector } from '../sdk.js';
import type { EgressPolicy } from '../egress/index.js';
import { optionalString, requiredString } from '../files/params.js';
import { AmazonS3Storage, s3Settings, type S3Settings } from '../amazon-s3/index.js';
import { GCS_INTEROPERABLE_ENDPOINT, GCS_SECRET_PARAMS, gcsSpec } from './gcs.spec.js';

export { GCS_SPEC_ID, GCS_INTEROPERABLE_ENDPOINT, gcsSpec } from './gcs.spec.js';

/**
 * Google Cloud Storage is read through its S3-interoperable XML API with an HMAC key, by the S3
 * connector's storage: only the settings differ.
 */
export function parseGcsSettings(params: Record<string, unknown>, egress?: EgressPolicy): S3Settings {
  return s3Settings(
    {
      accessKeyId: requiredString(params, 'accessKeyId'),
      secretAccessKey: requiredString(params, 'secretAccessKey'),
      serviceUrl: optionalString(params, 'serviceUrl') ?? GCS_INTEROPERABLE_ENDPOINT,
      // GCS accepts any SigV4 region for HMAC keys; "auto" is what Google's own examples sign with.
      region: 'auto',
      bucketName: optionalString(params, 'bucketName'),
      folderPath: optionalString(params, 'folderPath'),
      // The XML API knows nothing of the SDK's newer default CRC checksums.
      checksums: 'when_required',
    },
    egress,
  );
}

export const googleCloudStorage: FileConnector = {
  spec: gcsSpec,
  secretParams: GCS_SECRET_PARAMS,
  credentialUrlParams: ['serviceUrl'],
  open(params, context) {
    return new AmazonS3Storage(parseGcsSettings(params, context?.egress));
  },
};
