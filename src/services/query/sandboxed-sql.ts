import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBExtractedStatements, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { mkdir, rm } from 'node:fs/promises';
import { invalid } from '../errors.js';
import type { RowSink } from './result-store.js';

/** A table a query may read: a name and the local Parquet files behind it (none: an empty table). */
export interface TableSource {
  name: string;
  files: string[];
  /**
   * The table's columns with their DuckDB types (a dataset's whole schema). Files may hold only some
   * of them, or only some fields of a struct (a batch writes what its mapping fills): the table shows
   * every column all the same, NULL where a file has no value. Without it, the table is the files'
   * columns as they are.
   */
  columns?: Array<{ name: string; type: string }>;
}

export interface SqlLimits {
  /** Rows kept in a result; the query stops reading past it. */
  maxRows: number;
  /**
   * Bytes of JSON rows kept in a result, counted as they are read; the query stops reading past it. Without it
   * only `maxRows` bounds a result (Query Service always sets it).
   */
  maxResultBytes?: number;
  /** Wall-clock limit; the query is interrupted when it passes. */
  timeoutMs: number;
  /** DuckDB's memory_limit (its default is 80% of RAM). */
  memoryLimit: string;
  threads: number;
  /**
   * A folder of the engine's own where it spills what does not fit in `memoryLimit` (large sorts, joins and
   * aggregates), created for the query and removed after it. Without one, nothing spills.
   */
  spillDir?: string;
}

/** Which limit cut a result short. */
export type Truncation = 'rows' | 'bytes' | null;

export interface SqlResult {
  columns: Array<{ name: string; type: string }>;
  rowCount: number;
  bytes: number;
  truncated: Truncation;
}

/** Why a query ended without a result. */
export class SqlFailure extends Error {
  constructor(
    readonly code: 'refused' | 'timeout' | 'cancelled' | 'error',
    message: string,
  ) {
    super(message);
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The first paragraph of a DuckDB error (the rest lists internals). */
const firstParagraph = (error: unknown) => (error instanceof Error ? error.message : String(error)).split(/\n\s*\n/)[0]!.trim();

/** `streamSandboxedSql` with the rows kept in memory: for small, row-bounded reads (previews). */
export async function runSandboxedSql(
  sql: string,
  tables: TableSource[],
  limits: SqlLimits,
  signal?: AbortSignal,
): Promise<Omit<SqlResult, 'truncated'> & { rows: Array<Record<string, unknown>>; truncated: boolean }> {
  const rows: Array<Record<string, unknown>> = [];
  const sink = { write: async (json: string) => void rows.push(JSON.parse(json) as Record<string, unknown>) };
  const result = await streamSandboxedSql(sql, tables, limits, sink, signal);
  return { ...result, rows, truncated: result.truncated !== null };
}

/**
 * Runs one read-only SQL statement in a fresh in-memory DuckDB that can see nothing but the given tables:
 * views over the tables' Parquet files are created, then only those files stay readable (`allowed_paths`),
 * every other file system access is switched off (`enable_external_access=false`) and the configuration is
 * locked, so no statement can read or write elsewhere, attach a database, install or load an extension, or
 * undo the limits. Only a single SELECT (or WITH … SELECT) statement is run; anything else is refused.
 * The rows go to `sink` as JSON texts while they are read, until the result ends or a row or byte limit is reached.
 */
export async function streamSandboxedSql(
  sql: string,
  tables: TableSource[],
  limits: SqlLimits,
  sink: RowSink,
  signal?: AbortSignal,
  options: StatementOptions = {},
): Promise<SqlResult> {
  if (limits.spillDir) await mkdir(limits.spillDir, { recursive: true });
  const instance = await createEngine(limits);
  let connection: DuckDBConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped: 'timeout' | 'cancelled' | null = null;
  const stop = (why: 'timeout' | 'cancelled') => {
    stopped = why;
    connection?.interrupt();
  };
  const onAbort = () => stop('cancelled');
  try {
    connection = await instance.connect();
    await lockDown(connection, tables);
    const prepared = await prepareSelect(connection, sql);
    bindParams(prepared, options.params ?? []);
    timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) stop('cancelled');
    try {
      // DuckDB's interrupt only stops a statement that runs: a stop that came before it started must not let it start,
      // and one that came while it was starting is sent again once it runs.
      if (stopped) throw new Error('stopped');
      // Streamed, one chunk at a time: a result is never held whole, and reading stops at the first limit reached.
      const result = await prepared.stream();
      if (stopped) connection.interrupt();
      const names = result.columnNames();
      const types = result.columnTypes();
      let rowCount = 0;
      let bytes = 0;
      let truncated: Truncation = null;
      const chunks = options.rows === 'arrays' ? result.yieldRowsJson() : result.yieldRowObjectJson();
      reading: for await (const rows of chunks) {
        for (const row of rows) {
          if (rowCount >= limits.maxRows) {
            truncated = 'rows';
            break reading;
          }
          const json = JSON.stringify(row);
          const size = Buffer.byteLength(json) + 1;
          if (bytes + size > (limits.maxResultBytes ?? Number.POSITIVE_INFINITY)) {
            truncated = 'bytes';
            break reading;
          }
          await sink.write(json);
          rowCount += 1;
          bytes += size;
        }
      }
      if (stopped) throw new Error('stopped');
      return { columns: names.map((name, i) => ({ name, type: types[i]!.toString() })), rowCount, bytes, truncated };
    } catch (error) {
      if (stopped === 'timeout') throw new SqlFailure('timeout', `the query ran longer than ${limits.timeoutMs} ms and was stopped`);
      if (stopped === 'cancelled') throw new SqlFailure('cancelled', 'the query was cancelled');
      throw new SqlFailure('error', firstParagraph(error));
    }
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    connection?.closeSync();
    instance.closeSync();
    if (limits.spillDir) await rm(limits.spillDir, { recursive: true, force: true });
  }
}

/** What a statement is given besides its text. */
export interface StatementOptions {
  /** Values of `$1`, `$2`, … as text (null: SQL NULL); DuckDB casts each to the type the statement gives it. */
  params?: Array<string | null>;
  /** Rows as JSON objects by column name (the default) or as JSON arrays in column order (names may repeat). */
  rows?: 'objects' | 'arrays';
}

/** What a statement would take and give, found by preparing it without running it. */
export interface SqlDescription {
  /** The DuckDB type of each `$n` parameter, or null where the statement leaves it open. */
  params: Array<string | null>;
  columns: Array<{ name: string; type: string }>;
}

/**
 * Prepares one statement in the same locked-down engine `streamSandboxedSql` runs it in, and tells its parameters
 * and columns without reading any row (the extended query protocol's Describe of a statement).
 */
export async function describeSandboxedSql(sql: string, tables: TableSource[], limits: SqlLimits): Promise<SqlDescription> {
  const instance = await createEngine({ ...limits, spillDir: undefined });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await lockDown(connection, tables);
    const prepared = await prepareSelect(connection, sql);
    const params: Array<string | null> = [];
    for (let i = 1; i <= prepared.parameterCount; i += 1) {
      try {
        params.push(prepared.parameterType(i).toString());
      } catch {
        params.push(null); // `SELECT $1`: nothing fixes the type until a value is bound
      }
    }
    const columns: SqlDescription['columns'] = [];
    for (let i = 0; i < prepared.columnCount; i += 1) columns.push({ name: prepared.columnName(i), type: prepared.columnType(i).toString() });
    return { params, columns };
  } finally {
    connection?.closeSync();
    instance.closeSync();
  }
}

function createEngine(limits: Pick<SqlLimits, 'memoryLimit' | 'threads'> & { spillDir?: string | undefined }) {
  return DuckDBInstance.create(':memory:', {
    memory_limit: limits.memoryLimit,
    threads: String(limits.threads),
    temp_directory: limits.spillDir ?? '',
  });
}

/** Creates the tables' views, then shuts the engine off from every other file and locks its configuration. */
async function lockDown(connection: DuckDBConnection, tables: TableSource[]): Promise<void> {
  await connection.run(`SET TimeZone = 'UTC'`);
  const allowed: string[] = [];
  for (const table of tables) {
    await connection.run(`CREATE VIEW ${quoteIdent(table.name)} AS ${await tableSql(connection, table)}`);
    allowed.push(...table.files);
  }
  await connection.run(`SET allowed_paths = [${allowed.map(quoteString).join(', ')}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

function bindParams(prepared: DuckDBPreparedStatement, params: Array<string | null>): void {
  if (params.length !== prepared.parameterCount)
    throw new SqlFailure('error', `the statement takes ${prepared.parameterCount} parameter(s), ${params.length} given`);
  try {
    for (const [i, value] of params.entries()) {
      if (value === null) prepared.bindNull(i + 1);
      else prepared.bindVarchar(i + 1, value);
    }
  } catch (error) {
    throw new SqlFailure('error', firstParagraph(error));
  }
}

/** The statement, prepared, once it is known to be a single SELECT (anything else is refused before it runs). */
async function prepareSelect(connection: DuckDBConnection, sql: string) {
  const keyword = firstKeyword(sql);
  if (!READING.has(keyword)) {
    throw new SqlFailure(
      'refused',
      `only SELECT queries (including WITH … SELECT) are allowed; the lake is read-only${keyword ? ` (got ${keyword.toUpperCase()})` : ''}`,
    );
  }
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw new SqlFailure('error', firstParagraph(error));
  }
  if (extracted.count !== 1) throw new SqlFailure('refused', `exactly one statement is allowed, got ${extracted.count}`);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (error) {
    throw new SqlFailure('error', firstParagraph(error));
  }
  if (prepared.statementType !== StatementType.SELECT) {
    throw new SqlFailure('refused', 'only SELECT queries (including WITH … SELECT) are allowed; the lake is read-only');
  }
  return prepared;
}

/** The SELECT behind a table's view (run before the engine is locked: it reads the files' schemas). */
async function tableSql(connection: DuckDBConnection, table: TableSource): Promise<string> {
  const files = table.files.length ? `read_parquet([${table.files.map(quoteString).join(', ')}], union_by_name = true)` : null;
  if (!table.columns?.length) return files ? `SELECT * FROM ${files}` : 'SELECT * FROM (SELECT NULL AS _empty) WHERE false';
  if (!files) return `SELECT ${table.columns.map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
  const held = new Set((await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${files}`)).getRowObjectsJS().map((r) => String(r.column_name)));
  // A struct cast matches fields by name and fills those a file lacks with NULL.
  const projected = table.columns.map(
    (c) => `${held.has(c.name) ? `CAST(${quoteIdent(c.name)} AS ${c.type})` : `NULL::${c.type}`} AS ${quoteIdent(c.name)}`,
  );
  // Columns the schema no longer names (it only grows, so none is expected) are kept rather than hidden.
  const known = new Set(table.columns.map((c) => c.name));
  const extra = [...held].filter((name) => !known.has(name)).map(quoteIdent);
  return `SELECT ${[...projected, ...extra].join(', ')} FROM ${files}`;
}

/** Statements that may start a query: DuckDB rewrites PRAGMA and SHOW into SELECTs, so the text is checked too. */
const READING = new Set(['select', 'with', 'from', 'values', '(']);

/** The first word of a statement, past comments and white space (or "(" for a parenthesised query). */
export function firstKeyword(sql: string): string {
  const text = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  if (text.startsWith('(')) return '(';
  return (/^[A-Za-z_]+/.exec(text)?.[0] ?? '').toLowerCase();
}

/** A refusal a caller makes before running anything (empty SQL, too long). */
export function checkSqlText(sql: unknown, maxLength = 100_000): string {
  if (typeof sql !== 'string' || sql.trim() === '') throw invalid('"sql" is required');
  if (sql.length > maxLength) throw invalid(`"sql" may hold at most ${maxLength} characters`);
  return sql;
}
