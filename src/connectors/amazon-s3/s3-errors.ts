import { ConnectorError, type ConnectorFailure } from '../sdk.js';

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

const NETWORK: Record<string, ConnectorFailure> = {
  ECONNREFUSED: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ECONNRESET: 'transient',
  EPIPE: 'transient',
};

/** An AWS SDK (or network) error as the connector failure a caller can act on. */
export function s3Error(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const err = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err?.Code ?? err?.name ?? '';
  const detail = err?.message && err.message !== code ? `${code}: ${err.message}` : code || String(error);

  const byCode = BY_CODE[code];
  if (byCode) return new ConnectorError(byCode, `${what}: ${detail}`);

  const network = networkCode(error);
  if (network) return new ConnectorError(NETWORK[network], `${what}: cannot reach the storage (${network})`);
  if (code === 'TimeoutError') return new ConnectorError('unreachable', `${what}: the storage did not answer in time`);

  const status = err?.$metadata?.httpStatusCode;
  if (status === 401) return new ConnectorError('bad_credentials', `${what}: ${detail}`);
  if (status === 403) return new ConnectorError('permission_denied', `${what}: ${detail}`);
  if (status === 404) return new ConnectorError('not_found', `${what}: ${detail}`);
  if (status !== undefined && status >= 400 && status < 500) return new ConnectorError('invalid_params', `${what}: ${detail}`);
  return new ConnectorError('transient', `${what}: ${detail}`);
}

/**
 * The errno code of a network failure, wherever the SDK put it: on the error, on its cause, or on
 * one of an AggregateError's errors (Node tries IPv4 and IPv6 addresses and reports both).
 */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 3) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code in NETWORK) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
