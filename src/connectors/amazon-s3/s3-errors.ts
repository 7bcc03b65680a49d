import { ConnectorError, type ConnectorFailure } from '../sdk.js';
import { answered, statusError, storageNetworkError } from '../files/network-errors.js';
import { egressRefusal } from '../egress/index.js';

const BY_CODE: Record<string, ConnectorFailure> = {
  InvalidAccessKeyId: 'bad_credentials',
  SignatureDoesNotMatch: 'bad_credentials',
  InvalidToken: 'bad_credentials',
  ExpiredToken: 'bad_credentials',
  TokenRefreshRequired: 'bad_credentials',
  InvalidSecurity: 'bad_credentials', // Google Cloud Storage's answer to an unknown or revoked HMAC key
  AccessDenied: 'permission_denied',
  AllAccessDisabled: 'permission_denied',
  Forbidden: 'permission_denied', // HEAD requests carry no body, so no finer code
  NoSuchBucket: 'not_found',
  NoSuchKey: 'not_found',
  NotFound: 'not_found',
  InvalidBucketName: 'invalid_params',
  AuthorizationHeaderMalformed: 'invalid_params', // typically the wrong region
  PermanentRedirect: 'invalid_params', // the bucket lives behind another endpoint
  SlowDown: 'transient',
  ServiceUnavailable: 'transient',
  InternalError: 'transient',
  RequestTimeout: 'transient',
  PreconditionFailed: 'transient', // a resumed read found a newer version of the object: the next run takes that one
};

/** An AWS SDK (or network) error as the connector failure a caller can act on. */
export function s3Error(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const refused = egressRefusal(error);
  if (refused) return refused;
  const err = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.Code ?? err?.name ?? '';
  const status = err?.$metadata?.httpStatusCode;

  const byCode = BY_CODE[code];
  if (byCode) return new ConnectorError(byCode, `${what}: ${answered('the storage', status, code)}`);

  const network = storageNetworkError(error, what);
  if (network) return network;
  if (code === 'TimeoutError') return new ConnectorError('unreachable', `${what}: the storage did not answer in time`);

  return statusError(status, `${what}: ${answered('the storage', status, code)}`);
}
