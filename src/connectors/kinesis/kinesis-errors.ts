import { ConnectorError, type ConnectorFailure } from '../sdk.js';
import { answered, statusError, storageNetworkError } from '../files/network-errors.js';
import { egressRefusal } from '../egress/index.js';

const BY_CODE: Record<string, ConnectorFailure> = {
  UnrecognizedClientException: 'bad_credentials',
  InvalidSignatureException: 'bad_credentials',
  ExpiredTokenException: 'bad_credentials',
  AccessDeniedException: 'permission_denied',
  ResourceNotFoundException: 'not_found',
  InvalidArgumentException: 'invalid_params',
  ValidationException: 'invalid_params',
  ProvisionedThroughputExceededException: 'transient',
  LimitExceededException: 'transient',
  ResourceInUseException: 'transient',
  KMSThrottlingException: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
};

/** Kinesis answers that mean "slow down": backed off and tried again. */
export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'ProvisionedThroughputExceededException' || name === 'LimitExceededException';
}

/** An AWS SDK (or network) error of a Kinesis call as the connector failure a caller can act on. */
export function kinesisError(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const refused = egressRefusal(error);
  if (refused) return refused;
  const err = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.name ?? '';
  const status = err?.$metadata?.httpStatusCode;
  const byCode = BY_CODE[code];
  if (byCode) return new ConnectorError(byCode, `${what}: ${answered('Kinesis', status, code)}`);
  const network = storageNetworkError(error, what);
  if (network) return network;
  if (code === 'TimeoutError') return new ConnectorError('unreachable', `${what}: Kinesis did not answer in time`);
  return statusError(status, `${what}: ${answered('Kinesis', status, code)}`);
}
