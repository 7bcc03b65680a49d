// ssh2 is CommonJS: Node's ESM loader sees no named `utils` export, only the default one.
import ssh2, { type ConnectConfig } from 'ssh2';
import { ConnectorError } from '../sdk.js';
import { optionalString, requiredString } from '../files/params.js';
import { OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** What an SFTP connection's auth params amount to. */
export interface SftpSettings {
  connect: ConnectConfig;
  /** The server folder the connection is confined to; absent: the user's login folder. */
  folderPath?: string;
  maxConnections: number;
  /** The policy the connections' sockets go through. */
  egress: EgressPolicy;
}

export function parseSftpSettings(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): SftpSettings {
  const host = requiredString(params, 'host');
  const username = optionalString(params, 'userName') ?? optionalString(params, 'username');
  if (!username) throw new ConnectorError('invalid_params', 'auth.params.userName is required');
  const port = integer(params, 'port', 22);
  if (port < 1 || port > 65_535) throw new ConnectorError('invalid_params', 'auth.params.port must be between 1 and 65535');
  const maxConnections = integer(params, 'maxConcurrentConnections', 1);
  if (maxConnections < 1) throw new ConnectorError('invalid_params', 'auth.params.maxConcurrentConnections must be at least 1');
  const folderPath = optionalString(params, 'folderPath');
  if (folderPath !== undefined && !folderPath.startsWith('/'))
    throw new ConnectorError('invalid_params', 'auth.params.folderPath must be an absolute path');

  const password = optionalString(params, 'password');
  const keyContent = optionalString(params, 'privateKeyContent');
  const passphrase = optionalString(params, 'passPhrase');
  const key = keyContent ? privateKey(keyContent) : undefined;
  if (key) {
    // ssh2 would only find out while connecting, after the socket is open; say what is wrong before any connection.
    const parsed = ssh2.utils.parseKey(key, passphrase);
    // A wrong or missing pass phrase is a credential the server's check reports (bad credentials), not a malformed setting.
    if (parsed instanceof Error && !/passphrase/i.test(parsed.message))
      throw new ConnectorError('invalid_params', `auth.params.privateKeyContent cannot be used (check it and passPhrase): ${parsed.message}`);
  }
  // Chosen once, so that the password is a string wherever it is used.
  const credentials = key ? { privateKey: key, ...(passphrase ? { passphrase } : {}) } : password ? { password } : undefined;
  if (!credentials) throw new ConnectorError('invalid_params', 'auth.params needs a password or a privateKeyContent');

  return {
    connect: {
      host,
      port,
      username,
      ...credentials,
      // A host that never answers fails the check in this time rather than hanging it.
      readyTimeout: 20_000,
      // Notices a connection that died silently (a NAT dropping it) while a large file streams.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
    },
    ...(folderPath !== undefined ? { folderPath: folderPath.replace(/\/+$/, '') || '/' } : {}),
    maxConnections,
    egress,
  };
}

/** AEP takes the key file Base64-encoded; a key pasted as is (PEM text) is accepted too. */
function privateKey(content: string): Buffer {
  if (content.includes('-----BEGIN')) return Buffer.from(content);
  const decoded = Buffer.from(content, 'base64');
  if (!decoded.toString('latin1').includes('-----BEGIN')) {
    throw new ConnectorError('invalid_params', 'auth.params.privateKeyContent is not a Base64-encoded private key file');
  }
  return decoded;
}

function integer(params: Record<string, unknown>, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new ConnectorError('invalid_params', `auth.params.${name} must be an integer`);
  return number;
}
