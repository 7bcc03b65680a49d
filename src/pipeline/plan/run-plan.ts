import { stat } from 'node:fs/promises';
import { sqlIdent, sqlString, engineMessage, type Engine } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import { toRecord, type DelimitedSource } from '../read/delimited.js';
import type { SourceRecord } from '../read/records.js';
import { BATCH_SIZE } from '../read/records.js';
import type { SqlPlan } from './sql-plan.js';

export interface PlanOutcome {
  /** Data rows read. */
  rows: number;
  /** Rows the plan wrote to the Parquet file. */
  written: number;
  /** Size of the Parquet file (0 when no row was written, and then no file exists). */
  bytes: number;
}

/** Whether the engine accepts every regular expression of a plan (RE2 lacks some JavaScript syntax). */
export async function engineAccepts(engine: Engine, plan: SqlPlan): Promise<boolean> {
  for (const re of plan.regexes) {
    try {
      await engine.connection.run(`SELECT regexp_matches('', ${sqlString(re)})`);
    } catch {
      return false;
    }
  }
  return true;
}

let staged = 0;

/**
 * Runs a compiled plan over one delimited file: DuckDB parses the file once into a scratch table
 * with each row's verdict, writes the rows the plan accepts straight to Parquet, and hands the
 * others (with their row numbers) to `flagged` for the JavaScript mapper. The table lives in the
 * engine's memory up to its limit and spills to its temp directory beyond, so memory stays flat.
 */
export async function runPlan(engine: Engine, plan: SqlPlan, source: DelimitedSource, outputPath: string, flagged: (records: SourceRecord[]) => Promise<void>): Promise<PlanOutcome> {
  const { connection } = engine;
  const table = sqlIdent(`staged_${++staged}`);
  const width = source.names.length;
  const raw = Array.from({ length: width + 1 }, (_, i) => `c${i}`).join(', ');
  try {
    try {
      // Insertion order is kept (the engine's setting), so rowid is the data row's position in the file.
      await connection.run(`CREATE TEMP TABLE ${table} AS SELECT coalesce(${plan.ok}, false) AS __ok, ${raw} FROM ${source.dataSql}`);
    } catch (error) {
      throw new FileFailure(FileCode.unparsable, `cannot parse the delimited file: ${engineMessage(error)}`);
    }
    const counts = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS total, count(*) FILTER (WHERE __ok)::INTEGER AS ok FROM ${table}`)).getRowObjectsJS()[0] as { total: number; ok: number };
    let bytes = 0;
    if (counts.ok > 0) {
      const select = plan.columns.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`).join(', ');
      try {
        await connection.run(`COPY (SELECT ${select} FROM ${table} WHERE __ok) TO ${sqlString(outputPath)} (FORMAT parquet)`);
      } catch (error) {
        throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
      }
      bytes = (await stat(outputPath)).size;
    }
    if (counts.ok < counts.total) {
      const result = await connection.stream(`SELECT (rowid + 1)::INTEGER AS __row, ${raw} FROM ${table} WHERE NOT __ok ORDER BY rowid`);
      let batch: SourceRecord[] = [];
      for await (const rows of result.yieldRowsJs()) {
        for (const [row, ...fields] of rows as Array<[number, ...Array<string | null>]>) {
          batch.push(toRecord(fields, source.names, row));
          if (batch.length >= BATCH_SIZE) {
            await flagged(batch);
            batch = [];
          }
        }
      }
      if (batch.length) await flagged(batch);
    }
    return { rows: counts.total, written: counts.ok, bytes };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}
