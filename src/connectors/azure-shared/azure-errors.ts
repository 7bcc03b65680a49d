import { ConnectorError, type ConnectorFailure } from '../sdk.js';
import { answered, NETWORK_FAILURES, statusError, storageNetworkError } from '../files/network-errors.js';
import { egressRefusal } from '../egress/index.js';

/**
 * Azure Storage error codes (the `x-ms-error-code` header, also in the XML/JSON body) by what a
 * caller can do about them. The Blob, Data Lake and File services share most codes.
 */
const BY_CODE: Record<string, ConnectorFailure> = {
  // The signature or token did not verify: wrong key, wrong SAS, expired SAS.
  AuthenticationFailed: 'bad_credentials',
  InvalidAuthenticationInfo: 'bad_credentials',
  NoAuthenticationInformation: 'bad_credentials',
  // The credentials are fine but do not allow this.
  AuthorizationFailure: 'permission_denied',
  AuthorizationPermissionMismatch: 'permission_denied',
  AuthorizationResourceTypeMismatch: 'permission_denied',
  AuthorizationServiceMismatch: 'permission_denied',
  AuthorizationSourceIPMismatch: 'permission_denied',
  AuthorizationProtocolMismatch: 'permission_denied',
  InsufficientAccountPermissions: 'permission_denied',
  AccountIsDisabled: 'permission_denied',
  KeyBasedAuthenticationNotPermitted: 'permission_denied',
  // Nothing there.
  ContainerNotFound: 'not_found',
  BlobNotFound: 'not_found',
  ResourceNotFound: 'not_found',
  ShareNotFound: 'not_found',
  ParentNotFound: 'not_found',
  PathNotFound: 'not_found',
  FilesystemNotFound: 'not_found',
  ContainerBeingDeleted: 'not_found',
  ShareBeingDeleted: 'not_found',
  // Asked wrongly.
  InvalidResourceName: 'invalid_params',
  InvalidUri: 'invalid_params',
  InvalidQueryParameterValue: 'invalid_params',
  OutOfRangeInput: 'invalid_params',
  // The service, not the request, is at fault.
  ServerBusy: 'transient',
  InternalError: 'transient',
  OperationTimedOut: 'transient',
  // A file changed between two ranged reads of the same download: read it again next run.
  ConditionNotMet: 'transient',
  InvalidRange: 'transient',
};

/** core-rest-pipeline copies the errno to the error's `code`; an aborted socket is one more way for a transfer to break. */
const NETWORK: Record<string, ConnectorFailure> = { ...NETWORK_FAILURES, ECONNABORTED: 'transient' };

interface RestErrorLike {
  name?: string;
  code?: unknown;
  statusCode?: number;
  message?: string;
  details?: { errorCode?: string; [key: string]: unknown };
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** The service's error code: HEAD responses have no body, so it may only be in the header. */
export function azureErrorCode(error: unknown): string | undefined {
  const err = error as RestErrorLike | undefined;
  if (!err || typeof err !== 'object') return undefined;
  const fromDetails = err.details?.errorCode;
  if (typeof fromDetails === 'string' && fromDetails) return fromDetails;
  const fromHeader = err.response?.headers?.get?.('x-ms-error-code');
  if (fromHeader) return fromHeader;
  return typeof err.code === 'string' && /^[A-Z][A-Za-z]+$/.test(err.code) ? err.code : undefined;
}

/** An Azure SDK (or network) error as the connector failure a caller can act on. */
export function azureError(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  // The pipeline re-wraps socket errors in a RestError of its own.
  const refused = egressRefusal(error);
  if (refused) return refused;
  const err = (error ?? {}) as RestErrorLike;
  const code = azureErrorCode(error);
  const message = firstLine(err.message);
  const detail = answered('the storage', err.statusCode, code);

  // Azurite answers a bad signature with AuthorizationFailure where Azure says AuthenticationFailed;
  // both word the message the same way, and the message is what tells the two apart.
  const byCode = code === 'AuthorizationFailure' && /failed to authenticate/i.test(message) ? 'bad_credentials' : code ? BY_CODE[code] : undefined;
  if (byCode) return new ConnectorError(byCode, `${what}: ${detail}`);

  const network = storageNetworkError(error, what, NETWORK);
  if (network) return network;
  if (err.name === 'AbortError') return new ConnectorError('transient', `${what}: the transfer was interrupted`);

  return statusError(err.statusCode, `${what}: ${err.statusCode === undefined ? message || String(error) : detail}`);
}

/** Whether an error means "nothing there". */
export function isAzureNotFound(error: unknown): boolean {
  return azureError(error, '').failure === 'not_found';
}

/** The first line: Azure messages carry "RequestId:…\nTime:…" lines that only clutter a run's errors. */
function firstLine(message: string | undefined): string {
  // split always yields at least one piece.
  return (message ?? '').split('\n')[0]!.trim();
}
