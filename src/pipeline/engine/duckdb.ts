import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Settings of the columnar engine one ingest uses. */
export interface EngineOptions {
  /** DuckDB's default is 80% of RAM, far too much for a worker that runs beside others. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB may spill when an operation outgrows memoryLimit. */
  tempDirectory?: string;
}

export interface Engine {
  connection: DuckDBConnection;
  /** Another connection to the same database, for work that runs beside a statement on `connection`. */
  connect(): Promise<DuckDBConnection>;
  /** Stops what every connection is running (the statement fails with DuckDB's "interrupted"). */
  interrupt(): void;
  /** Whether interrupt() was called: the run is stopping, and a failed statement is not to be tried another way. */
  readonly interrupted: boolean;
  close(): void;
}

/**
 * An in-memory DuckDB of its own per ingest: runs never share state, and closing it frees
 * everything the run used, whatever happened.
 */
export async function openEngine(options: EngineOptions = {}): Promise<Engine> {
  const settings: Record<string, string> = {
    memory_limit: options.memoryLimit ?? '512MB',
    threads: String(options.threads ?? 2),
    // Row numbers in row errors rely on rows coming out in file order.
    preserve_insertion_order: 'true',
  };
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connections: DuckDBConnection[] = [];
  const connect = async () => {
    const connection = await instance.connect();
    connections.push(connection);
    // Timestamps are written and read back in UTC, never in the host's zone.
    await connection.run(`SET TimeZone = 'UTC'`);
    return connection;
  };
  let interrupted = false;
  return {
    connection: await connect(),
    connect,
    interrupt() {
      interrupted = true;
      for (const connection of connections) connection.interrupt();
    },
    get interrupted() {
      return interrupted;
    },
    close() {
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A SQL string literal. DuckDB takes file paths and options only as literals, not as parameters. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier, for XDM field names such as "_id" or "xdm:foo". */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The part of a DuckDB error worth showing a user: its first paragraph. The rest lists reader
 * settings and local scratch paths, which mean nothing to whoever uploaded the file.
 */
export function engineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split(/\n\s*\n/)[0]!.trim();
}
