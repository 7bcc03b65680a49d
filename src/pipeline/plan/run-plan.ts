import { rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { sqlIdent, sqlString, engineMessage, type Engine } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import type { SourceRecord } from '../read/records.js';
import { BATCH_SIZE } from '../read/records.js';
import type { PlanSource } from './plan-source.js';
import { registerPlanFunctions } from './scalar-functions.js';
import type { SqlPlan } from './sql-plan.js';
import { StageTimes } from '../stage-times.js';
import { copyByDay } from '../write/day-partitions.js';

export interface PlanOutcome {
  /** Data rows read. */
  rows: number;
  /** Rows the plan wrote to the Parquet file. */
  written: number;
  /** Size of the Parquet files (0 when no row was written, and then no file exists). */
  bytes: number;
  /** The Parquet files written: the output path, or with `dayColumn` one file per day beside it. */
  paths: string[];
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

/** Where the scratch copy of a file (raw fields and verdict, in file order) lives. */
export type Scratch = { kind: 'table' } | { kind: 'parquet'; path: string };

/** The temporary table a small file's scratch copy goes to (one plan runs at a time per engine). */
const SCRATCH_TABLE = 'tributary_scratch';

/**
 * Runs a compiled plan over one source file. DuckDB reads the file once, streaming each row's
 * source columns and verdict into a scratch copy (in file order); from it, the rows the plan accepts
 * go straight to the output Parquet file and the others — with their row numbers — to `flagged`
 * for the JavaScript mapper, as the records the JavaScript reader would give. The scratch copy of a
 * small file is a temporary table (DuckDB's own format: cheaper to write and read than Parquet, row
 * numbers are its rowids); that of a larger one a compressed Parquet file (row numbers for free),
 * so memory stays flat however large the file.
 *
 * Null when the engine does not read this file as the JavaScript reader does (see PlanSource.failure
 * and agrees): nothing was written or handed over, and the JavaScript path is to read it.
 */
export async function runPlan(
  engine: Engine,
  plan: SqlPlan,
  source: PlanSource,
  outputPath: string,
  scratch: Scratch,
  flagged: (records: SourceRecord[]) => Promise<void>,
  times = new StageTimes(),
  /**
   * A top-level date-time column the accepted rows are split by (UTC day), in the same pass that writes them: one
   * file per day, named after the output path and the day (see copyByDay). Ignored when the plan writes no such column.
   */
  dayColumn?: string,
): Promise<PlanOutcome | null> {
  const { connection } = engine;
  const raw = source.columns.join(', ');
  registerPlanFunctions(engine, plan.functions);
  // Derived columns (vectorized Data Prep functions) are computed once per row, in a subquery the
  // verdict and, through the scratch copy, the output columns read; never again per reference.
  const derived = plan.derived.map((d) => `, ${d.name}`).join('');
  const input = plan.derived.length ? `(SELECT *${plan.derived.map((d) => `, ${d.sql} AS ${d.name}`).join('')} FROM ${source.from})` : source.from;
  const staged = scratch.kind === 'table' ? SCRATCH_TABLE : `read_parquet(${sqlString(scratch.path)}, file_row_number = true)`;
  const position = scratch.kind === 'table' ? 'rowid' : 'file_row_number';
  const record = source.record;
  // Insertion order is kept (the engine's setting), so the scratch copy's row order is the file's.
  // The verdict as a CASE condition, not a bare value: DuckDB then evaluates each AND/OR term only
  // for the rows still undecided, where a projected boolean would evaluate every term for every row.
  const verdict = `CASE WHEN ${plan.ok} THEN true ELSE false END AS __ok`;
  const rows = record
    ? // What flagged rows are rebuilt from is only made for them.
      `SELECT __ok, ${raw}${derived}, CASE WHEN __ok THEN NULL ELSE ${record.text(record.column)} END AS __record FROM (SELECT ${verdict}, ${raw}${derived}, ${record.column} FROM ${input})`
    : `SELECT ${verdict}, ${raw}${derived} FROM ${input}`;
  const copy = times.time('csvToScratch', () =>
    connection.run(
      scratch.kind === 'table'
        ? `CREATE OR REPLACE TEMP TABLE ${SCRATCH_TABLE} AS ${rows}`
        : `COPY (${rows}) TO ${sqlString(scratch.path)} (FORMAT parquet, COMPRESSION snappy)`,
    ),
  );
  const [copied, agreed] = await Promise.allSettled([copy, source.agrees?.() ?? true]);
  const dropScratch = async () => {
    if (scratch.kind === 'table') await connection.run(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
    else await rm(scratch.path, { force: true });
  };
  if (copied.status === 'rejected' || agreed.status === 'rejected' || !agreed.value) {
    await dropScratch();
    if (agreed.status === 'rejected') throw agreed.reason;
    if (copied.status === 'fulfilled') return null;
    // Nothing was kept or handed over: the plan runs again over the rows read another way.
    const again = source.retry?.(copied.reason);
    if (again) return runPlan(engine, plan, again, outputPath, scratch, flagged, times, dayColumn);
    const failure = source.failure(copied.reason);
    if (failure) throw failure;
    return null;
  }
  try {
    const counts = (
      await times.time('count', () =>
        connection.runAndReadAll(`SELECT count(*)::INTEGER AS total, count(*) FILTER (WHERE __ok)::INTEGER AS ok FROM ${staged}`),
      )
    ).getRowObjectsJS()[0] as { total: number; ok: number };
    let bytes = 0;
    let paths: string[] = [];
    const removeOutput = () => Promise.all([outputPath, ...paths].map((path) => rm(path, { force: true })));
    if (counts.ok > 0) {
      const select = plan.columns.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`).join(', ');
      const byDay = dayColumn !== undefined && plan.columns.some((c) => c.name === dayColumn);
      try {
        // The output's row order does not matter (row errors come from the scratch copy): let DuckDB use its threads freely.
        await connection.run(`SET preserve_insertion_order = false`);
        if (byDay) {
          const stem = basename(outputPath, '.parquet');
          const written = await times.time('scratchToOutput', () =>
            copyByDay(connection, `SELECT ${select} FROM ${staged} WHERE __ok`, dayColumn, dirname(outputPath), stem, 'ROW_GROUP_SIZE 16384'),
          );
          paths = written.map((f) => f.path);
          bytes = written.reduce((n, f) => n + f.bytes, 0);
        } else {
          await times.time('scratchToOutput', () =>
            connection.run(`COPY (SELECT ${select} FROM ${staged} WHERE __ok) TO ${sqlString(outputPath)} (FORMAT parquet, ROW_GROUP_SIZE 16384)`),
          );
          paths = [outputPath];
          bytes = (await stat(outputPath)).size;
        }
      } catch (error) {
        // The batch may still land with the other files: no part of this one may stay beside them.
        await removeOutput();
        throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
      } finally {
        await connection.run(`SET preserve_insertion_order = true`);
      }
    }
    if (counts.ok < counts.total) {
      const started = performance.now();
      try {
        const result = await connection.stream(
          `SELECT (${position} + 1)::INTEGER AS __row, ${raw}${record ? ', __record' : ''} FROM ${staged} WHERE NOT __ok ORDER BY ${position}`,
        );
        let batch: SourceRecord[] = [];
        for await (const records of source.flagged(result.yieldRowsJs())) {
          for (const record of records) {
            batch.push(record);
            if (batch.length >= BATCH_SIZE) {
              await flagged(batch);
              batch = [];
            }
          }
        }
        if (batch.length) await flagged(batch);
      } catch (error) {
        // A flagged record may fail the file (as it fails the JavaScript reader): nothing of it may land.
        await removeOutput();
        throw error;
      }
      // Includes the JavaScript mapper's own time (jsMap, jsSpool), which the caller also reports.
      times.add('flagged', performance.now() - started);
    }
    return { rows: counts.total, written: counts.ok, bytes, paths };
  } finally {
    await dropScratch();
  }
}
