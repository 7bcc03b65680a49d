import { rm, stat } from 'node:fs/promises';
import { sqlIdent, sqlString, engineMessage, type Engine } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import { toRecord, type DelimitedSource } from '../read/delimited.js';
import type { SourceRecord } from '../read/records.js';
import { BATCH_SIZE } from '../read/records.js';
import type { SqlPlan } from './sql-plan.js';
import { StageTimes } from '../stage-times.js';

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

/**
 * Runs a compiled plan over one delimited file. DuckDB parses the file once, streaming each row's
 * raw fields and verdict into a scratch Parquet file (compressed, in file order); from it, the rows
 * the plan accepts go straight to the output Parquet file and the others — with their row numbers,
 * which Parquet gives for free — to `flagged` for the JavaScript mapper. Every step streams, so
 * memory stays flat however large the file.
 */
export async function runPlan(engine: Engine, plan: SqlPlan, source: DelimitedSource, outputPath: string, scratchPath: string, flagged: (records: SourceRecord[]) => Promise<void>, times = new StageTimes()): Promise<PlanOutcome> {
  const { connection } = engine;
  const width = source.names.length;
  const raw = Array.from({ length: width + 1 }, (_, i) => `c${i}`).join(', ');
  const staged = `read_parquet(${sqlString(scratchPath)}, file_row_number = true)`;
  try {
    // Insertion order is kept (the engine's setting), so the scratch file's row order is the file's.
    // The verdict as a CASE condition, not a bare value: DuckDB then evaluates each AND/OR term only
    // for the rows still undecided, where a projected boolean would evaluate every term for every row.
    await times.time('csvToScratch', () => connection.run(`COPY (SELECT CASE WHEN ${plan.ok} THEN true ELSE false END AS __ok, ${raw} FROM ${source.dataSql}) TO ${sqlString(scratchPath)} (FORMAT parquet, COMPRESSION snappy)`));
  } catch (error) {
    throw new FileFailure(FileCode.unparsable, `cannot parse the delimited file: ${engineMessage(error)}`);
  }
  try {
    const counts = (await times.time('count', () => connection.runAndReadAll(`SELECT count(*)::INTEGER AS total, count(*) FILTER (WHERE __ok)::INTEGER AS ok FROM ${staged}`))).getRowObjectsJS()[0] as { total: number; ok: number };
    let bytes = 0;
    if (counts.ok > 0) {
      const select = plan.columns.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`).join(', ');
      try {
        // The output's row order does not matter (row errors come from the scratch file): let DuckDB use its threads freely.
        await connection.run(`SET preserve_insertion_order = false`);
        await times.time('scratchToOutput', () => connection.run(`COPY (SELECT ${select} FROM ${staged} WHERE __ok) TO ${sqlString(outputPath)} (FORMAT parquet, ROW_GROUP_SIZE 16384)`));
      } catch (error) {
        throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
      } finally {
        await connection.run(`SET preserve_insertion_order = true`);
      }
      bytes = (await stat(outputPath)).size;
    }
    if (counts.ok < counts.total) {
      const started = performance.now();
      const result = await connection.stream(`SELECT (file_row_number + 1)::INTEGER AS __row, ${raw} FROM ${staged} WHERE NOT __ok ORDER BY file_row_number`);
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
      // Includes the JavaScript mapper's own time (jsMap, jsSpool), which the caller also reports.
      times.add('flagged', performance.now() - started);
    }
    return { rows: counts.total, written: counts.ok, bytes };
  } finally {
    await rm(scratchPath, { force: true });
  }
}
