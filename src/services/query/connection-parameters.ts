import { ServiceError } from '../errors.js';
import type { Scope } from '../scope.js';

/** Where the PostgreSQL interface listens, while it does. */
export type SqlEndpoint = () => { host: string; port: number } | null;

/** `GET /connection_parameters` as Query Service answers it (the docs' field names, `websocketHost` aside). */
export interface ConnectionParameters {
  username: string;
  dbName: string;
  host: string;
  port: number;
  version: 1;
  token: string;
  compressedToken: string;
}

const ANY_INTERFACE = new Set(['0.0.0.0', '::', '']);

/**
 * The parameters a PostgreSQL client connects with: the org id as user name, the caller's own access token as
 * password (Query Service gives back the token the request came with), and `{sandbox}:all` as database name.
 * Tributary has no WebSocket interface, so `websocketHost` is left out; its tokens are short, so
 * `compressedToken` (for clients with a short password field, such as Tableau) is the token itself.
 */
export class ConnectionParametersService {
  constructor(private readonly endpoint: SqlEndpoint) {}

  get(scope: Scope, token: string, requestHost: string): ConnectionParameters {
    const listening = this.endpoint();
    if (!listening) throw new ServiceError('unavailable', 'the PostgreSQL interface is off on this server (TRIBUTARY_SQL_PORT)');
    // A listener on every interface is reached by the name the caller used for the API.
    const host = ANY_INTERFACE.has(listening.host) ? requestHost : listening.host;
    return { username: scope.orgId, dbName: `${scope.sandboxName}:all`, host, port: listening.port, version: 1, token, compressedToken: token };
  }
}
