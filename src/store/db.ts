import { existsSync, mkdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

/**
 * The one database interface of the product. Both backends speak PostgreSQL's dialect:
 * PGlite (embedded, one process) and a PostgreSQL server (any number of processes).
 */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs parameterless SQL that may hold several statements (migrations, pg-boss). */
  exec(sql: string): Promise<void>;
  /**
   * Inside a transaction: `work` runs once it has committed (never if it rolls back), e.g. deleting files the
   * committed state no longer needs. Its failure does not undo the commit. Absent outside a transaction, where
   * every statement commits by itself.
   */
  afterCommit?(work: () => Promise<void>): void;
}

/** Runs the after-commit work of a transaction that committed: each on its own, a failure only reported. */
async function runAfterCommit(works: Array<() => Promise<void>>): Promise<void> {
  for (const work of works) {
    try {
      await work();
    } catch (error) {
      process.emitWarning(`after-commit work failed: ${(error as Error).message}`);
    }
  }
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs parameterless SQL that may hold several statements and returns the rows of the last one (pg-boss needs this). */
  execRows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Runs `work` in one transaction; rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload of each `NOTIFY` on `channel` (from any process on PostgreSQL), until
   * the returned function is called. A notification sent in a transaction arrives once it commits.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(private readonly lite: PGlite) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.lite.query<T>(sql, params)).rows;
  }
  async exec(sql: string): Promise<void> {
    await this.lite.exec(sql);
  }
  async execRows<T>(sql: string): Promise<T[]> {
    const results = await this.lite.exec(sql);
    return (results[results.length - 1]?.rows ?? []) as T[];
  }
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const later: Array<() => Promise<void>> = [];
    const result = await this.lite.transaction(async (tx) =>
      work({
        query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
        exec: async (sql: string) => void (await tx.exec(sql)),
        afterCommit: (next) => void later.push(next),
      }),
    );
    await runAfterCommit(later);
    return result;
  }
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.lite.listen(channel, onNotify);
    return async () => {
      // After close the database is gone, and so is the subscription.
      if (!this.lite.closed) await unlisten();
    };
  }
  async close(): Promise<void> {
    await this.lite.close();
  }
}

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
  ) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }
  async execRows<T>(sql: string): Promise<T[]> {
    const result = (await this.pool.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as T[];
  }
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const later: Array<() => Promise<void>> = [];
    let released = false;
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
        exec: async (sql: string) => void (await client.query(sql)),
        afterCommit: (next) => void later.push(next),
      });
      await client.query('COMMIT');
      client.release();
      released = true;
      await runAfterCommit(later);
      return result;
    } catch (error) {
      if (!released) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (!released) client.release();
    }
  }
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return listenOnPostgres(this.connectionString, channel, onNotify);
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** How long a lost listening connection waits before it connects again (ms). */
const RELISTEN_MS = 1000;

/**
 * LISTEN holds a session, so it gets a connection of its own, outside the pool. A connection the server
 * drops is opened again: notifications sent meanwhile are lost, which the listeners' polling makes up for.
 */
async function listenOnPostgres(connectionString: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const reconnect = (): void => {
    if (stopped) return;
    retry = setTimeout(() => void connect().catch(reconnect), RELISTEN_MS);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    next.on('error', () => {
      if (client === next) client = null;
      void next.end().catch(() => undefined);
      reconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    if (stopped) await next.end();
    else client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
    client = null;
  };
}

// int8 and numeric come back as strings by default; our counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens PostgreSQL when a URL is given, else the embedded PGlite database kept in `dataDir`. */
export async function openDb(options: { databaseUrl: string | null; dataDir: string }): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server ends (a restart, a failover, an administrator) emits 'error' on the
    // pool; unheard, it would crash the process. The pool drops that client and the next query opens another.
    pool.on('error', () => undefined);
    await pool.query('select 1');
    return new PostgresDb(pool, options.databaseUrl);
  }
  mkdirSync(options.dataDir, { recursive: true });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await initEmbedded(options.dataDir);
  // PostgreSQL's default 128 MB of shared buffers is WebAssembly memory held for life; a catalog's
  // working set is far smaller, and 32 MB keeps ~130 MB out of the server's resident memory.
  const lite = new PGlite(options.dataDir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
  await lite.waitReady;
  return new PgliteDb(lite);
}

const INITDB_SCRIPT = new URL('./pglite-initdb.mjs', import.meta.url);

/**
 * Runs PGlite's initdb in a short-lived child process: the first start of an embedded database takes
 * ~700 MB of WebAssembly memory that a process keeps for life; opening an initialised one takes ~250 MB.
 */
async function initEmbedded(dataDir: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [INITDB_SCRIPT.pathname, dataDir], { timeout: 120_000 });
  } catch (error) {
    throw new Error(`could not create the embedded database in ${dataDir}: ${(error as { stderr?: string }).stderr || (error as Error).message}`);
  }
}
