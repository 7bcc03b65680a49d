import SftpClient from 'ssh2-sftp-client';
import type { Socket } from 'node:net';
import type { SFTPWrapper } from 'ssh2';
import { withRetries, type RetryPolicy } from '../files/retry.js';
import { ConnectorError } from '../sdk.js';
import { sftpError } from './sftp-errors.js';
import { egressSocket } from '../egress/index.js';
import type { SftpSettings } from './sftp-settings.js';

interface Connection {
  client: SftpClient;
  sftp: SFTPWrapper;
  /** Operations and open reads using it now. */
  busy: number;
  dead: boolean;
}

/** A connection lent out; give it back with `release` (once). */
export interface Lease {
  sftp: SFTPWrapper;
  release(): void;
}

/**
 * At most `maxConcurrentConnections` SSH connections to one server, opened when needed. An
 * operation takes an idle connection, or opens a new one while under the limit, or else shares
 * the least busy one (SFTP multiplexes requests on a connection, so sharing never deadlocks).
 * A connection that drops is forgotten; the next lease opens a fresh one. Opening retries
 * transient failures with backoff; bad credentials and refused connections fail at once.
 */
export class SftpPool {
  private readonly connections: Connection[] = [];
  private opening: Array<Promise<Connection>> = [];
  private closed = false;

  constructor(
    private readonly settings: SftpSettings,
    private readonly retry: RetryPolicy,
  ) {}

  async lease(): Promise<Lease> {
    if (this.closed) throw new ConnectorError('transient', 'The SFTP connection was closed');
    const alive = this.connections.filter((c) => !c.dead);
    let connection = alive.find((c) => c.busy === 0);
    if (!connection) {
      if (alive.length + this.opening.length < this.settings.maxConnections) {
        const opening = withRetries(() => this.open(), this.retry);
        this.opening.push(opening);
        try {
          connection = await opening;
        } finally {
          this.opening = this.opening.filter((p) => p !== opening);
        }
      } else if (alive.length > 0) {
        connection = alive.reduce((a, b) => (b.busy < a.busy ? b : a));
      } else {
        // Only connections still opening: share the first one that opens.
        const first = this.opening[0];
        if (first === undefined) throw new ConnectorError('invalid_params', 'The SFTP connection allows no connections (maxConnections is below 1)');
        connection = await first;
      }
    }
    const leased = connection;
    leased.busy++;
    let released = false;
    return {
      sftp: leased.sftp,
      release: () => {
        if (!released) leased.busy--;
        released = true;
      },
    };
  }

  /** Runs `operation` on a leased connection, retrying transient failures on a fresh lease. */
  async use<T>(what: string, operation: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    return withRetries(async () => {
      const lease = await this.lease();
      try {
        return await operation(lease.sftp);
      } catch (error) {
        throw sftpError(error, what);
      } finally {
        lease.release();
      }
    }, this.retry);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections, ...(await Promise.allSettled(this.opening)).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
    this.connections.length = 0;
    await Promise.allSettled(all.map((c) => c.client.end()));
  }

  private async open(): Promise<Connection> {
    const client = new SftpClient();
    let raw: unknown;
    // ssh2-sftp-client re-wraps connection errors and drops ssh2's `level`, which tells bad
    // credentials from a dead socket: keep the original.
    client.on('error', (error: unknown) => {
      raw ??= error;
    });
    let sftp: SFTPWrapper;
    const { host, port } = this.settings.connect;
    let sock: Socket | undefined;
    try {
      // ssh2 takes the socket of its caller's: ours resolves and connects through the egress policy.
      sock = egressSocket(this.settings.egress, host!, port!);
      sftp = await client.connect({ ...this.settings.connect, sock });
    } catch (error) {
      // ssh2 may give up before it listens on the socket: its later error (a refusal) must not go unheard.
      sock?.on('error', () => undefined).destroy();
      await client.end().catch(() => undefined);
      throw sftpError(error, `Connecting to ${host}:${port}`, raw);
    }
    const connection: Connection = { client, sftp, busy: 0, dead: false };
    client.on('close', () => {
      connection.dead = true;
      const index = this.connections.indexOf(connection);
      if (index >= 0) this.connections.splice(index, 1);
    });
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new ConnectorError('transient', 'The SFTP connection was closed');
    }
    this.connections.push(connection);
    return connection;
  }
}
