import { ConnectorError, type ConnectorFailure } from '../sdk.js';

/**
 * How failures below the storage protocol (the socket, DNS, an HTTP status with no finer code)
 * read as connector failures. Every connector starts from the same table and adds the codes of
 * its own client (undici's, ssh2-sftp-client's).
 */

/** Node's errno codes of a connection that did not happen (`unreachable`) or broke (`transient`). */
export const NETWORK_FAILURES: Readonly<Record<string, ConnectorFailure>> = {
  ECONNREFUSED: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ECONNRESET: 'transient',
  EPIPE: 'transient',
};

/**
 * The code of `failures` a network error carries, wherever the client put it: on the error, on
 * its cause, or on one of an AggregateError's errors (Node tries IPv4 and IPv6 addresses and
 * reports both). `maxDepth` bounds how far down the chain of causes to look.
 */
export function networkCode(
  error: unknown,
  failures: Readonly<Record<string, ConnectorFailure>> = NETWORK_FAILURES,
  maxDepth = 3,
  depth = 0,
): string | undefined {
  if (!error || typeof error !== 'object' || depth > maxDepth) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code in failures) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = networkCode(inner, failures, maxDepth, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A network error of a storage SDK as a connector failure, or undefined when it is not one. */
export function storageNetworkError(
  error: unknown,
  what: string,
  failures: Readonly<Record<string, ConnectorFailure>> = NETWORK_FAILURES,
): ConnectorError | undefined {
  const code = networkCode(error, failures);
  const failure = code === undefined ? undefined : failures[code];
  return code && failure ? new ConnectorError(failure, `${what}: cannot reach the storage (${code})`) : undefined;
}

/**
 * What an HTTP storage answered, as a message: its status and error code only. The body's own
 * message is not repeated: whatever answers at a tenant's endpoint (an internal service, say)
 * would otherwise be read through the API by the tenant.
 */
export function answered(who: string, status: number | undefined, code: string | undefined): string {
  const safeCode = code && /^[A-Za-z][\w.]{0,80}$/.test(code) ? code : undefined;
  if (status === undefined) return safeCode ? `${who} answered ${safeCode}` : `${who} gave an unreadable answer`;
  return `${who} answered ${status}${safeCode ? ` ${safeCode}` : ''}`;
}

/** An HTTP error status with no finer code of the service, as a connector failure. */
export function statusError(status: number | undefined, message: string): ConnectorError {
  if (status === 401) return new ConnectorError('bad_credentials', message);
  if (status === 403) return new ConnectorError('permission_denied', message);
  if (status === 404) return new ConnectorError('not_found', message);
  if (status !== undefined && status >= 400 && status < 500) return new ConnectorError('invalid_params', message);
  return new ConnectorError('transient', message);
}
