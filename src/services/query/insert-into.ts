import { DuckDBInstance } from '@duckdb/node-api';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { CODES } from '../error-codes.js';
import type { CatalogService, DatasetRecord } from '../catalog/index.js';
import type { Scope } from '../scope.js';
import { SqlFailure, type SqlLimits, type TableSource, streamSandboxedSql } from './sandboxed-sql.js';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteString = (value: string) => `'${value.replaceAll("'", "''")}'`;

export interface InsertOutcome {
  columns: Array<{ name: string; type: string }>;
  rowCount: number;
  /** The Catalog batch the rows landed in; none when the query gave no row. */
  batchId: string | null;
}

/**
 * `INSERT INTO <dataset> SELECT …`: the SELECT runs in the same locked-down engine as any query, its rows are
 * spooled to a file of the query's own, then a second engine (which reads only that file) casts them to the
 * dataset's column types, as its XDM schema gives them, and writes them as Parquet into a Catalog batch. The batch
 * lands whole or not at all: a column the schema lacks, or a value that does not cast to its field's type,
 * fails the query and the batch, and nothing becomes readable.
 */
export async function insertInto(args: {
  catalog: CatalogService;
  scope: Scope;
  dataset: DatasetRecord;
  /** The dataset's columns and their DuckDB types, from its schema. */
  columns: Array<{ name: string; type: string }> | undefined;
  sql: string;
  tables: TableSource[];
  limits: SqlLimits;
  /** A folder of the query's own, removed afterwards. */
  workDir: string;
  queryId: string;
  signal: AbortSignal;
}): Promise<InsertOutcome> {
  const { catalog, scope, dataset, columns, limits } = args;
  if (!columns?.length) throw new SqlFailure('error', `the schema of dataset ${dataset.id} cannot be resolved; rows cannot be inserted into it`);
  await mkdir(args.workDir, { recursive: true });
  const spool = join(args.workDir, 'rows.ndjson');
  try {
    const out = createWriteStream(spool);
    const sink = {
      write: async (json: string) => {
        if (!out.write(`${json}\n`)) await once(out, 'drain');
      },
    };
    let result: Awaited<ReturnType<typeof streamSandboxedSql>>;
    try {
      // Only the row limit bounds what lands: the rows go to disk, not into a result kept in memory.
      const { maxResultBytes: _kept, ...rowBound } = limits;
      result = await streamSandboxedSql(args.sql, args.tables, rowBound, sink, args.signal);
    } finally {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
    if (result.truncated) throw new SqlFailure('error', `INSERT INTO lands at most ${limits.maxRows} rows per query; the query gave more`);
    const known = new Map(columns.map((c) => [c.name, c.type]));
    const unknown = result.columns.filter((c) => !known.has(c.name)).map((c) => c.name);
    if (unknown.length)
      throw new SqlFailure(
        'error',
        `column(s) ${unknown.join(', ')} are not fields of the schema of dataset ${dataset.id}; name the columns as its fields (${[...known.keys()].join(', ')})`,
      );
    if (result.rowCount === 0) return { columns: result.columns, rowCount: 0, batchId: null };

    const { batchId, staging } = await catalog.beginBatch(scope, {
      datasetId: dataset.id,
      inputFormat: { format: 'parquet' },
      tags: { 'tributary/queryId': [args.queryId] },
    });
    try {
      await writeParquet(spool, join(staging.dir, 'part-00000.parquet'), columns, limits);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      await catalog.failBatch(scope, batchId, staging, [{ code: CODES.insertRowsUnfit.code, description: message }]).catch(() => undefined);
      throw new SqlFailure('error', `the rows do not fit the schema of dataset ${dataset.id}: ${message}`);
    }
    const landed = await catalog.finishBatch(scope, batchId, staging, {
      recordCount: result.rowCount,
      failedRecordCount: 0,
      inputFiles: [],
      rowErrors: [],
    });
    if (landed.status !== 'success')
      throw new SqlFailure('error', `batch ${batchId} did not land: ${landed.errors.map((e) => e.description).join('; ')}`);
    return { columns: result.columns, rowCount: result.rowCount, batchId };
  } finally {
    await rm(args.workDir, { recursive: true, force: true });
  }
}

/** Casts the spooled rows to the dataset's column types (every column, NULL where a row has none) and writes Parquet. */
async function writeParquet(spool: string, target: string, columns: Array<{ name: string; type: string }>, limits: SqlLimits): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: limits.memoryLimit, threads: String(limits.threads) });
  try {
    const connection = await instance.connect();
    try {
      const spec = columns.map((c) => `${quoteString(c.name)}: ${quoteString(c.type)}`).join(', ');
      const select = columns.map((c) => quoteIdent(c.name)).join(', ');
      await connection.run(
        `COPY (SELECT ${select} FROM read_json(${quoteString(spool)}, format = 'newline_delimited', columns = {${spec}})) TO ${quoteString(target)} (FORMAT parquet)`,
      );
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
