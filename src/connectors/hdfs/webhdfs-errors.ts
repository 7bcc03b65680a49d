import { ConnectorError, type ConnectorFailure } from '../sdk.js';
import { answered, NETWORK_FAILURES, networkCode } from '../files/network-errors.js';
import { egressRefusal } from '../egress/index.js';

/**
 * WebHDFS failures as connector failures. The name node answers errors as
 * `{"RemoteException": {"exception", "javaClassName", "message"}}` with a status derived from the
 * Java exception (IllegalArgumentException 400, SecurityException 401, IOException 403,
 * FileNotFoundException 404, anything else 500); the exception name is the finer signal.
 */

const BY_EXCEPTION: Record<string, ConnectorFailure> = {
  FileNotFoundException: 'not_found',
  AccessControlException: 'permission_denied',
  AuthorizationException: 'permission_denied',
  SecurityException: 'bad_credentials',
  InvalidToken: 'bad_credentials',
  // A name node in standby (HA pair failing over), or one asking to be retried: another try may reach the active one.
  StandbyException: 'transient',
  RetriableException: 'transient',
  SafeModeException: 'transient',
  ConnectException: 'transient',
  IllegalArgumentException: 'invalid_params',
  UnsupportedOperationException: 'invalid_params',
};

/** fetch (undici) adds codes of its own beside Node's errno codes, and nests them a cause deeper (hence depth 4). */
const NETWORK: Record<string, ConnectorFailure> = {
  ...NETWORK_FAILURES,
  UND_ERR_CONNECT_TIMEOUT: 'unreachable',
  UND_ERR_SOCKET: 'transient', // "other side closed" mid-response
  UND_ERR_HEADERS_TIMEOUT: 'transient',
  UND_ERR_BODY_TIMEOUT: 'transient',
};

export interface RemoteException {
  exception?: string;
  javaClassName?: string;
  message?: string;
}

/** An error answer of a WebHDFS server. */
export function httpError(status: number, remote: RemoteException | undefined, what: string): ConnectorError {
  const name = remote?.exception ?? '';
  const detail = answered('the name node', status, name || undefined);
  const byName = BY_EXCEPTION[name];
  if (byName) return new ConnectorError(byName, `${what}: ${detail}`);
  if (status === 401) return new ConnectorError('bad_credentials', `${what}: ${detail}`);
  // A bare IOException (403) is a server-side I/O trouble more often than a refusal.
  if (status === 403) return new ConnectorError(name === 'IOException' ? 'transient' : 'permission_denied', `${what}: ${detail}`);
  if (status === 404) return new ConnectorError('not_found', `${what}: ${detail}`);
  if (status === 408 || status === 429 || status >= 500) return new ConnectorError('transient', `${what}: ${detail}`);
  return new ConnectorError('invalid_params', `${what}: ${detail}`);
}

/**
 * A failure of fetch itself or of a response body. `datanode`: a data node that cannot be
 * reached is not an unreachable storage — the name node may send the next try elsewhere.
 */
export function networkError(error: unknown, what: string, options: { datanode?: boolean } = {}): ConnectorError {
  if (error instanceof ConnectorError) return error;
  // fetch reports a refused socket as "fetch failed", the refusal its cause.
  const refused = egressRefusal(error);
  if (refused) return refused;
  if ((error as Error | undefined)?.name === 'TimeoutError') {
    return new ConnectorError(options.datanode ? 'transient' : 'unreachable', `${what}: the server did not answer in time`);
  }
  const code = networkCode(error, NETWORK, 4);
  const failure = (code ? NETWORK[code] : undefined) ?? 'transient';
  const kind = failure === 'unreachable' && options.datanode ? 'transient' : failure;
  const reason = code ?? (error as Error | undefined)?.message ?? String(error);
  return new ConnectorError(kind, `${what}: ${failure === 'unreachable' ? 'cannot reach the server' : 'the connection failed'} (${reason})`);
}
