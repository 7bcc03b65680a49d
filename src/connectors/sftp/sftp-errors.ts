import { ConnectorError, type ConnectorFailure } from '../sdk.js';
import { NETWORK_FAILURES } from '../files/network-errors.js';
import { egressRefusal } from '../egress/index.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). */
const STATUS: Record<number, ConnectorFailure> = {
  2: 'not_found', // SSH_FX_NO_SUCH_FILE
  3: 'permission_denied', // SSH_FX_PERMISSION_DENIED
  4: 'transient', // SSH_FX_FAILURE: the server's catch-all (OpenSSH answers it for EIO, and for a directory read as a file)
  6: 'transient', // SSH_FX_NO_CONNECTION
  7: 'transient', // SSH_FX_CONNECTION_LOST
  8: 'invalid_params', // SSH_FX_OP_UNSUPPORTED
};

const NETWORK: Record<string, ConnectorFailure> = {
  ...NETWORK_FAILURES,
  // ssh2-sftp-client's own codes
  ENOENT: 'not_found',
  EACCES: 'permission_denied',
  ERR_BAD_AUTH: 'bad_credentials',
  ERR_NOT_CONNECTED: 'transient',
};

/**
 * An ssh2 (or ssh2-sftp-client) error as a connector failure. `raw` is the error ssh2 itself
 * emitted while connecting, when known: it carries `level` ("client-authentication",
 * "client-timeout", "client-socket"), which ssh2-sftp-client's re-wrapped error loses.
 */
export function sftpError(error: unknown, what: string, raw?: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const refused = egressRefusal(raw) ?? egressRefusal(error);
  if (refused) return refused;
  const source = (raw ?? error) as { level?: string; code?: unknown; message?: string } | undefined;
  const message = source?.message ?? String(error);
  const fail = (failure: ConnectorFailure, detail = message) => new ConnectorError(failure, `${what}: ${detail}`);

  if (source?.level === 'client-authentication') return fail('bad_credentials', 'the server refused the credentials');
  if (source?.level === 'client-timeout') return fail('unreachable', 'the server did not answer in time');
  if (/bad passphrase|integrity check failed|Failed to decrypt|bad decrypt/i.test(message))
    return fail('bad_credentials', 'the pass phrase does not open the private key');
  if (/Cannot parse privateKey|Unsupported key format|no passphrase given/i.test(message))
    return fail('invalid_params', 'the private key cannot be read (wrong format, or a pass phrase is needed)');

  for (const candidate of [source, error] as Array<{ code?: unknown } | undefined>) {
    const code = candidate?.code;
    const failure = typeof code === 'number' ? STATUS[code] : typeof code === 'string' ? NETWORK[code] : undefined;
    if (failure) return fail(failure);
  }
  if (source?.level === 'client-socket') return fail('unreachable');
  // "No response from server", "Connection lost", "Not connected": the link broke under us.
  return fail('transient');
}
