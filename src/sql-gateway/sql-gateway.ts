import { createServer, type Server, type Socket } from 'node:net';
import { fromNodeSocket } from 'pg-gateway/node';
import type { Scope } from '../services/scope.js';
import { SERVER_VERSION } from './session-commands.js';
import { SqlSession, type StatementRunner } from './sql-session.js';

const TERMINATE = 'X'.charCodeAt(0);

export interface SqlGatewayOptions {
  /** The scope a user name, password and database name log in to; throws (or rejects) when they log in nowhere. */
  login: (user: string, password: string, database: string | undefined) => Promise<Scope>;
  /** The statements of a logged-in connection; `signal` aborts when the connection ends. */
  runnerFor: (scope: Scope, signal: AbortSignal) => StatementRunner;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Query Service's PostgreSQL interface: a TCP listener speaking the PostgreSQL wire protocol through pg-gateway,
 * which does the start-up, the SSLRequest (answered "N": no TLS here) and the cleartext password exchange, and
 * frames every later message for an `SqlSession`. A failed login is refused by pg-gateway with 28P01.
 */
export class SqlGateway {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: SqlGatewayOptions) {}

  /** Where it listens (the port the system chose, for port 0), or null while it does not. */
  endpoint: { host: string; port: number } | null = null;

  /** Starts listening; resolves with the port (the one given, or the one the system chose for port 0). */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.endpoint = { host, port: typeof address === 'object' && address ? address.port : port };
    return this.endpoint.port;
  }

  /** Stops listening and ends every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    this.endpoint = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const ended = new AbortController();
    socket.on('close', () => {
      this.sockets.delete(socket);
      ended.abort();
    });
    socket.on('error', () => undefined); // a client that goes away mid-answer is no fault of the server's
    let session: SqlSession | undefined;
    const log = this.options.log;
    void fromNodeSocket(socket, {
      serverVersion: SERVER_VERSION,
      auth: {
        method: 'password',
        getClearTextPassword: () => '',
        validateCredentials: async ({ username, password }, state) => {
          const database = state.clientParams?.database;
          try {
            const scope = await this.options.login(username, password, database);
            session = new SqlSession(this.options.runnerFor(scope, ended.signal), {
              user: username,
              database: database ?? '',
              applicationName: state.clientParams?.application_name ?? '',
            });
            log?.('SQL client logged in', { orgId: scope.orgId, sandboxName: scope.sandboxName, clientId: scope.clientId });
            return true;
          } catch (error) {
            log?.('SQL client login refused', { user: username, reason: error instanceof Error ? error.message : String(error) });
            return false;
          }
        },
      },
      onMessage: (data, state) => {
        // Start-up, login and Terminate are pg-gateway's.
        if (!state.isAuthenticated || !session || data[0] === TERMINATE) return undefined;
        return answer(session, data);
      },
    }).catch((error: unknown) => {
      log?.('SQL connection failed', { error: String(error) });
      socket.destroy();
    });
  }
}

/**
 * A session's answers to one message. It always ends with a (possibly empty) chunk: pg-gateway takes a message
 * whose hook yields nothing as unhandled and answers it with an error of its own.
 */
async function* answer(session: SqlSession, data: Uint8Array): AsyncGenerator<Uint8Array, Uint8Array> {
  yield* session.handle(data);
  return new Uint8Array(0);
}
