import { rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { sqlIdent, sqlString, engineMessage, type Engine } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import type { SourceRecord } from '../read/records.js';
import { BATCH_SIZE } from '../read/records.js';
import type { PlanSource } from './plan-source.js';
import { CAPTURE_FUNCTION, captureFlagged, FlaggedCapture } from './flagged-capture.js';
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

async function dropScratch(connection: Engine['connection'], scratch: Scratch): Promise<void> {
  if (scratch.kind === 'table') await connection.run(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
  else await rm(scratch.path, { force: true });
}

/**
 * Runs a compiled plan over one source file. Where it can, one statement reads the file straight to the output
 * Parquet file, the flagged rows caught on the way with their numbers (runOnePass) or found again after
 * (runOnePassFinding). Otherwise DuckDB reads the file once, streaming each row's
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
  /** The most flagged rows a plan that reads the file once holds in memory (see FlaggedCapture). */
  capturedRows?: number,
): Promise<PlanOutcome | null> {
  const { connection } = engine;
  const run: PlanRun = { engine, plan, source, outputPath, scratch, flagged, times, dayColumn, capturedRows };
  // Without a reading checked beside the first pass, the file is read once: a source that numbers its rows needs no
  // scratch copy (unless derived columns, whose functions the second read of runTwoReads would call again), nor one
  // whose flagged rows are found again after.
  if (!source.agrees) {
    if (source.numbered && !source.retry && plan.derived.length === 0) return runOnePass({ ...run, numbered: source.numbered });
    if (source.findRows) {
      const found = await runOnePassFinding(run, source.findRows);
      if (found !== 'scratch') return found;
    }
  }
  const raw = source.columns.join(', ');
  registerPlanFunctions(engine, plan.functions);
  // Derived columns (vectorized Data Prep functions) are computed once per row, in a subquery the
  // verdict and, through the scratch copy, the output columns read; never again per reference.
  const derived = plan.derived.map((d) => `, ${d.name}`).join('');
  const input = withDerived(plan, source.from);
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
    withFunctionThreads(engine, plan, () =>
      connection.run(
        scratch.kind === 'table'
          ? `CREATE OR REPLACE TEMP TABLE ${SCRATCH_TABLE} AS ${rows}`
          : `COPY (${rows}) TO ${sqlString(scratch.path)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
    ),
  );
  const [copied, agreed] = await Promise.allSettled([copy, source.agrees?.() ?? true]);
  if (copied.status === 'rejected' || agreed.status === 'rejected' || !agreed.value) {
    await dropScratch(connection, scratch);
    if (agreed.status === 'rejected') throw agreed.reason;
    if (copied.status === 'fulfilled') return null;
    // Nothing was kept or handed over: the plan runs again over the rows read another way.
    const again = source.retry?.(copied.reason);
    if (again) return runPlan(engine, plan, again, outputPath, scratch, flagged, times, dayColumn, capturedRows);
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
    const output =
      counts.ok > 0
        ? await writeAccepted(connection, plan, `${withShared(plan, staged)} WHERE __ok`, outputPath, times, dayColumn, 'scratchToOutput')
        : { bytes: 0, paths: [] };
    if (counts.ok < counts.total) {
      await handFlagged(
        source,
        queried(
          connection,
          `SELECT (${position} + 1)::INTEGER AS __row, ${raw}${record ? ', __record' : ''} FROM ${staged} WHERE NOT __ok ORDER BY ${position}`,
        ),
        output.paths,
        outputPath,
        flagged,
        times,
      );
    }
    return { rows: counts.total, written: counts.ok, bytes: output.bytes, paths: output.paths };
  } finally {
    await dropScratch(connection, scratch);
  }
}

/**
 * The rows of `from` with the plan's derived columns (vectorized Data Prep functions) and shared values, computed
 * once per row in a subquery that the verdict and the output columns read: never again per reference (the
 * functions are volatile, so DuckDB neither pushes the verdict below them nor evaluates them twice). `pinned` adds
 * a volatile column, PIN, for a verdict in a WHERE to read: without one, DuckDB pushes the filter below the
 * subquery, writing its columns out again inside it, and computes each shared value for the verdict and again for
 * the output.
 */
function withDerived(plan: SqlPlan, from: string, pinned = false): string {
  return beside([...plan.derived, ...plan.shared, ...(pinned ? [{ name: PIN, sql: 'random()' }] : [])], from);
}

/**
 * The rows of `from` the plan's verdict accepts (a FROM item and its WHERE), with its derived columns and shared
 * values, each computed once: the verdict reads the pin. `otherwise` is evaluated for the other rows only.
 */
export function acceptedOrElse(plan: SqlPlan, from: string, otherwise: string): string {
  const pinned = plan.derived.length + plan.shared.length > 0;
  const verdict = pinned ? `${PIN} >= 0 AND ${plan.ok}` : plan.ok;
  return `${withDerived(plan, from, pinned)} WHERE CASE WHEN ${verdict} THEN true ELSE ${otherwise} END`;
}

/** The column of withDerived's pin: always at least 0. */
const PIN = '__pin';

/** A scratch copy's rows (raw fields, derived columns) with the plan's shared values, which the copy does not keep. */
function withShared(plan: SqlPlan, staged: string): string {
  return beside(plan.shared, staged);
}

/** The rows of `from` with these columns computed beside its own. */
function beside(columns: ReadonlyArray<{ name: string; sql: string }>, from: string): string {
  return columns.length ? `(SELECT *${columns.map((c) => `, ${c.sql} AS ${c.name}`).join('')} FROM ${from})` : from;
}

/** The files a COPY of accepted rows wrote, and how many rows they hold. */
interface Written {
  bytes: number;
  paths: string[];
  rows: number;
}

/**
 * Writes the rows of `accepted` (a FROM item and its WHERE), mapped by the plan's columns, to the output Parquet
 * file (or with `dayColumn` one file per day beside it, see runPlan). A failure leaves no file behind and is the
 * engine's error as it came.
 */
async function copyAccepted(
  connection: Engine['connection'],
  plan: SqlPlan,
  accepted: string,
  outputPath: string,
  times: StageTimes,
  dayColumn: string | undefined,
  stage: string,
): Promise<Written> {
  const select = `SELECT ${plan.columns.map((c) => `${c.sql} AS ${sqlIdent(c.name)}`).join(', ')} FROM ${accepted}`;
  const byDay = dayColumn !== undefined && plan.columns.some((c) => c.name === dayColumn);
  let paths: string[] = [];
  try {
    // The output's row order does not matter (row errors come from the rows' own numbers): let DuckDB use its threads freely.
    await connection.run(`SET preserve_insertion_order = false`);
    if (byDay) {
      const stem = basename(outputPath, '.parquet');
      const written = await times.time(stage, () => copyByDay(connection, select, dayColumn, dirname(outputPath), stem, 'ROW_GROUP_SIZE 16384'));
      paths = written.files.map((f) => f.path);
      return { paths, bytes: written.files.reduce((n, f) => n + f.bytes, 0), rows: written.rows };
    }
    const copied = await times.time(stage, () =>
      connection.run(`COPY (${select}) TO ${sqlString(outputPath)} (FORMAT parquet, ROW_GROUP_SIZE 16384)`),
    );
    paths = [outputPath];
    return { paths, bytes: (await stat(outputPath)).size, rows: copied.rowsChanged };
  } catch (error) {
    // The batch may still land with the other files: no part of this one may stay beside them.
    await removeAll([outputPath, ...paths]);
    throw error;
  } finally {
    await connection.run(`SET preserve_insertion_order = true`);
  }
}

const removeAll = (paths: string[]) => Promise.all(paths.map((path) => rm(path, { force: true })));

/** copyAccepted, whose failure is the file's: the rows were read, and could not be written. */
async function writeAccepted(...args: Parameters<typeof copyAccepted>): Promise<Written> {
  try {
    return await copyAccepted(...args);
  } catch (error) {
    throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
  }
}

/** Rows of a query, as the engine streams them. */
async function* queried(connection: Engine['connection'], query: string): AsyncIterable<unknown[][]> {
  yield* (await connection.stream(query)).yieldRowsJs();
}

/** Streams the flagged rows (the row number, the source's columns, its record text; in file order) to the JavaScript mapper. */
async function handFlagged(
  source: PlanSource,
  rows: AsyncIterable<unknown[][]> | Iterable<unknown[][]>,
  written: string[],
  outputPath: string,
  flagged: (records: SourceRecord[]) => Promise<void>,
  times: StageTimes,
): Promise<void> {
  const started = performance.now();
  try {
    let batch: SourceRecord[] = [];
    for await (const records of source.flagged(rows)) {
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
    await removeAll([outputPath, ...written]);
    throw error;
  }
  // Includes the JavaScript mapper's own time (jsMap, jsSpool), which the caller also reports.
  times.add('flagged', performance.now() - started);
}

/** One file's run of a plan: runPlan's arguments. */
interface PlanRun {
  engine: Engine;
  plan: SqlPlan;
  source: PlanSource;
  outputPath: string;
  scratch: Scratch;
  flagged: (records: SourceRecord[]) => Promise<void>;
  times: StageTimes;
  dayColumn: string | undefined;
  capturedRows: number | undefined;
}

/** A run over a source that numbers its rows, the numbering made sure of. */
interface NumberedRun extends PlanRun {
  numbered: NonNullable<PlanSource['numbered']>;
}

/** The one number a count query answers. */
const rowCount = async (connection: Engine['connection'], query: string) => (await connection.runAndReadAll(query)).getRowsJS()[0]![0] as number;

/**
 * One statement that reads `from` once: it writes the rows the verdict accepts straight to the output and hands the
 * flagged ones (these values of each, as VARCHAR: few, as a rule) to a capture function (see FlaggedCapture). The
 * statement's failure comes back as it came, with the capture as it was filled until then.
 */
async function copyCapturing(
  run: PlanRun,
  from: string,
  captured: string[],
): Promise<{ output: Written; capture: FlaggedCapture } | { error: unknown; capture: FlaggedCapture }> {
  const { engine, plan, times } = run;
  registerPlanFunctions(engine, plan.functions);
  const capture = new FlaggedCapture(run.capturedRows);
  // As in runPlan: a CASE condition, so each AND/OR term is evaluated only for the rows still undecided, and the
  // capture only for the flagged ones.
  const accepted = acceptedOrElse(plan, from, `${CAPTURE_FUNCTION}(${captured.join(', ')})`);
  const release = captureFlagged(engine, capture);
  try {
    return {
      output: await withFunctionThreads(engine, plan, () =>
        copyAccepted(engine.connection, plan, accepted, run.outputPath, times, run.dayColumn, 'sourceToOutput'),
      ),
      capture,
    };
  } catch (error) {
    return { error, capture };
  } finally {
    release();
  }
}

/**
 * Runs a statement of a plan with vectorized functions on twice the engine's threads. Each call of such a function
 * runs on the JavaScript thread while the DuckDB thread that made it waits; with one waiting thread per core, the
 * JavaScript thread sat idle between calls, and more threads keep calls queued for it.
 */
async function withFunctionThreads<T>(engine: Engine, plan: SqlPlan, statement: () => Promise<T>): Promise<T> {
  if (plan.functions.length === 0) return statement();
  const threads = Number((await engine.connection.runAndReadAll(`SELECT current_setting('threads')`)).getRowsJS()[0]![0]);
  await engine.connection.run(`SET threads = ${threads * 2}`);
  try {
    return await statement();
  } finally {
    await engine.connection.run(`SET threads = ${threads}`);
  }
}

/**
 * Lands what a one-pass statement wrote and caught: the written and flagged rows must make up the file's `total`, or
 * nothing lands; an output of no row is removed; the flagged `rows` (`[row, ...source columns]` in file order) go to
 * the JavaScript mapper.
 */
async function landOnePass(run: PlanRun, output: Written, total: number, rows: unknown[][]): Promise<PlanOutcome> {
  if (output.rows + rows.length !== total) {
    await removeAll(output.paths);
    throw new Error(`the plan wrote ${output.rows} rows and flagged ${rows.length} of ${total}`);
  }
  // Every row flagged: DuckDB still wrote an (empty) file, which no batch needs.
  if (output.rows === 0) await removeAll(output.paths);
  const { bytes, paths } = output.rows > 0 ? output : { bytes: 0, paths: [] };
  if (rows.length > 0) await handFlagged(run.source, [rows], paths, run.outputPath, run.flagged, run.times);
  return { rows: total, written: output.rows, bytes, paths };
}

/**
 * The plan over a source that numbers its rows itself (Parquet's file_row_number), with no scratch copy of the
 * file: one statement reads it once (copyCapturing), the flagged rows caught with their numbers. When they are too
 * many to hold, or the statement fails, the file is read twice instead (runTwoReads), which reads apart from writing.
 * Either way the rows, their numbers and so the row errors are those of the scratch path.
 */
async function runOnePass(run: NumberedRun): Promise<PlanOutcome | null> {
  const { engine, source, numbered, times } = run;
  const record = source.record;
  const copied = await copyCapturing(run, numbered.from, [
    `(${numbered.position} + 1)::VARCHAR`,
    ...source.columns.map((c) => `${c}::VARCHAR`),
    // The record's text is VARCHAR already.
    ...(record ? [record.text(record.column)] : []),
  ]);
  if ('error' in copied) {
    if (!copied.capture.overflowed) {
      // Nothing was kept or handed over, and a file the engine cannot read fails as in runPlan.
      const failure = source.failure(copied.error);
      if (failure) throw failure;
      if (engine.interrupted) throw copied.error;
    }
    // Too many flagged rows to hold, or a failure of reading or of writing (one statement here did both): reading the
    // file apart from writing it says which, as runPlan does (the JavaScript path reads it, or the file fails as writeFailed).
    return runTwoReads(run);
  }
  const total = await times.time('count', () => rowCount(engine.connection, numbered.count));
  return landOnePass(run, copied.output, total, copied.capture.rows());
}

/**
 * The plan over a source whose reader numbers no rows but which finds given rows again (a delimited file, see
 * PlanSource.findRows): one statement reads the file once (copyCapturing), catching the flagged rows' values, and if
 * there are any, one pass over the file in JavaScript gives their numbers. 'scratch' when they are too many to hold
 * or cannot be told apart, or the statement failed: the caller then reads the file into a scratch copy, which numbers
 * every row and tells a failure of reading from one of writing. A reading refused that another way avoids is retried
 * so, by runPlan itself (whose null says that the JavaScript path is to read the file).
 */
async function runOnePassFinding(run: PlanRun, findRows: NonNullable<PlanSource['findRows']>): Promise<PlanOutcome | 'scratch' | null> {
  const { engine, source, times } = run;
  const copied = await copyCapturing(
    run,
    source.from,
    source.columns.map((c) => `${c}::VARCHAR`),
  );
  if ('error' in copied) {
    if (engine.interrupted) throw copied.error;
    const again = copied.capture.overflowed ? null : source.retry?.(copied.error);
    return again ? runPlan(engine, run.plan, again, run.outputPath, run.scratch, run.flagged, times, run.dayColumn, run.capturedRows) : 'scratch';
  }
  const { output, capture } = copied;
  const total = output.rows + capture.count;
  const rows = capture.count > 0 ? await times.time('findFlagged', () => findRows(capture.values(), total)) : [];
  if (rows === null) {
    await removeAll(output.paths);
    return 'scratch';
  }
  return landOnePass(run, output, total, rows);
}

/**
 * The one-pass plan in two reads, for flagged rows too many to hold or after its one statement failed: one statement
 * evaluates the verdict and copies the flagged rows alone to the scratch copy (a failure here is the reading's); one
 * writes every other row, by number, straight from the file to the output (a failure here is writeFailed); then the
 * flagged rows go from their copy to the JavaScript mapper.
 */
async function runTwoReads(run: NumberedRun): Promise<PlanOutcome | null> {
  const { engine, plan, source, numbered, scratch, times } = run;
  const { connection } = engine;
  const record = source.record;
  const columns = [
    `(${numbered.position} + 1)::INTEGER AS __row`,
    ...source.columns,
    ...(record ? [`${record.text(record.column)} AS __record`] : []),
  ];
  // As in runPlan: a CASE condition, so each AND/OR term is evaluated only for the rows still undecided.
  const rejected = `SELECT ${columns.join(', ')} FROM ${withDerived(plan, numbered.from)} WHERE CASE WHEN ${plan.ok} THEN false ELSE true END`;
  const staged = scratch.kind === 'table' ? SCRATCH_TABLE : `read_parquet(${sqlString(scratch.path)})`;
  let counts: { total: number; ok: number };
  try {
    // Insertion order is kept (the engine's setting): the copy holds the flagged rows in file order.
    await times.time('sourceToFlagged', () =>
      connection.run(
        scratch.kind === 'table'
          ? `CREATE OR REPLACE TEMP TABLE ${SCRATCH_TABLE} AS ${rejected}`
          : `COPY (${rejected}) TO ${sqlString(scratch.path)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
    );
    const [total, rejectedRows] = await times.time('count', async () => [
      await rowCount(connection, numbered.count),
      await rowCount(connection, `SELECT count(*)::INTEGER AS n FROM ${staged}`),
    ]);
    counts = { total, ok: total - rejectedRows };
  } catch (error) {
    // Nothing was written or handed over: as in runPlan, the JavaScript path reads the file, or it fails.
    await dropScratch(connection, scratch);
    const failure = source.failure(error);
    if (failure) throw failure;
    return null;
  }
  try {
    // The accepted rows are the others, by number: a hash join against the few flagged ones costs far less than the verdict again.
    const accepted =
      counts.ok === counts.total
        ? withDerived(plan, numbered.bare)
        : `${withDerived(plan, numbered.bare)} ANTI JOIN (SELECT __row - 1 AS __flagged FROM ${staged}) AS __flagged_rows ON ${numbered.position} = __flagged`;
    const output =
      counts.ok > 0
        ? await writeAccepted(connection, plan, accepted, run.outputPath, times, run.dayColumn, 'sourceToOutput')
        : { bytes: 0, paths: [] };
    if (counts.ok < counts.total) {
      await handFlagged(source, queried(connection, `SELECT * FROM ${staged} ORDER BY __row`), output.paths, run.outputPath, run.flagged, times);
    }
    return { rows: counts.total, written: counts.ok, bytes: output.bytes, paths: output.paths };
  } finally {
    await dropScratch(connection, scratch);
  }
}
