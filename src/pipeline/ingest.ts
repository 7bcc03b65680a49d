import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldMapping, FileOutcome, IngestRequest, IngestResult, RowError, SourceFile } from './contracts.js';
import { openEngine, type Engine } from './engine/duckdb.js';
import { FileFailure, RowCode, printable } from './errors.js';
import { compileMapper, type Mapper } from './mapping/mapper.js';
import { compileSqlPlan, type SqlPlan } from './plan/sql-plan.js';
import { delimitedPlanSource, jsonPlanSource, parquetPlanSource, sourceAttributes, type PlanSource } from './plan/plan-source.js';
import { engineAccepts, runPlan } from './plan/run-plan.js';
import { delimitedSource } from './read/delimited.js';
import { readRecords, type SourceRecord } from './read/index.js';
import { DEFAULT_MAX_RECORD_BYTES } from './read/limits.js';
import { checkIsText } from './read/sniff.js';
import { writtenFields } from './schema/written-fields.js';
import { dayPartitionColumn } from './schema/time-series.js';
import { rootField, type ObjectField } from './schema/xdm-fields.js';
import { materialize } from './source/materialize.js';
import { StageTimes } from './stage-times.js';
import { ParquetSink } from './write/parquet-sink.js';

const DEFAULT_MAX_ROW_ERRORS = 10_000;
/** Segments of copied text files: large enough that per-part overhead vanishes, small enough for any scratch disk. */
const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024;
/**
 * Files up to this size keep their scratch copy in a DuckDB table rather than a Parquet file (faster to
 * write and read; ~1.7 times the file's size in memory, within the engine's default limit, and DuckDB
 * spills it to its temp directory past a lower one); larger files stream through a Parquet file.
 */
const SCRATCH_TABLE_BYTES = 128 * 1024 * 1024;
/**
 * About how large a part's scratch copy is. A JSON line's copy keeps only the values the mapping set reads,
 * without keys, quotes and punctuation: at most half its text (the bench's records keep a third). Other
 * formats are reckoned at their size (a Parquet file is compressed, a delimited row is mostly values).
 */
function scratchBytes(format: IngestRequest['format'], bytes: number): number {
  return format.format === 'json' && !format.isMultiLineJson ? bytes / 2 : bytes;
}
/** Violations reported for one row; a row failing on hundreds of fields needs only the first few. */
const MAX_VIOLATIONS_PER_ROW = 10;

/** What one ingest shares across its files. */
interface Run {
  request: IngestRequest;
  engine: Engine;
  scratch: string;
  root: ObjectField;
  /** The fields the batch's Parquet files hold: what the mapping set writes (see writtenFields). */
  written: ObjectField;
  mapper: Mapper;
  errors: RowErrorLog;
  nextPart: number;
  /** Compiled SQL plans by source key (files of one run usually share one header or schema); null: not expressible. */
  plans: Map<string, SqlPlan | null>;
  times: StageTimes;
  /** A time-series schema's `timestamp`: the SQL plan writes one file per UTC day of it (the table's partitions). */
  dayColumn: string | null;
}

/**
 * Source files → Parquet in `outputDir`: each file is copied locally (decompressed, UTF-8), read
 * into records, mapped, coerced and validated; valid rows become one `part-NNNNN.parquet` per
 * file, failed rows become RowErrors. A file that cannot be read fails alone and lands nothing.
 */
export async function ingest(request: IngestRequest): Promise<IngestResult> {
  await mkdir(request.outputDir, { recursive: true });
  const scratch = await mkdtemp(join(request.workDir ?? tmpdir(), 'tributary-ingest-'));
  let engine: Engine | undefined;
  let stopListening = () => {};
  try {
    engine = await openEngine({ ...request.engine, tempDirectory: join(scratch, 'duckdb') });
    // A compiled plan is one long DuckDB statement: aborting interrupts it rather than waiting for it to end.
    const interrupt = () => engine?.interrupt();
    request.signal?.addEventListener('abort', interrupt, { once: true });
    stopListening = () => request.signal?.removeEventListener('abort', interrupt);
    const root = rootField(request.target.schema);
    const run: Run = {
      request,
      engine,
      scratch,
      root,
      written: request.mappings ? writtenFields(root, request.mappings) : root,
      mapper: compileMapper(request.mappings, root),
      errors: new RowErrorLog(request.maxRowErrors ?? DEFAULT_MAX_ROW_ERRORS),
      nextPart: await firstFreePart(request.outputDir),
      plans: new Map(),
      times: new StageTimes(),
      dayColumn: dayPartitionColumn(request.target.schema),
    };
    const files: FileOutcome[] = [];
    let outputBytes = 0;
    for (const file of request.files) {
      request.signal?.throwIfAborted();
      const { outcome, bytes } = await ingestFile(run, file);
      files.push(outcome);
      outputBytes += bytes;
    }
    const sum = (key: 'inputRecordCount' | 'outputRecordCount' | 'failedRecordCount' | 'inputBytes') => files.reduce((n, f) => n + f[key], 0);
    return {
      files,
      inputRecordCount: sum('inputRecordCount'),
      outputRecordCount: sum('outputRecordCount'),
      failedRecordCount: sum('failedRecordCount'),
      inputBytes: sum('inputBytes'),
      outputBytes,
      rowErrors: run.errors.kept,
      timings: run.times.rounded(),
    };
  } finally {
    stopListening();
    engine?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function ingestFile(run: Run, file: SourceFile): Promise<{ outcome: FileOutcome; bytes: number }> {
  const { request, engine, scratch } = run;
  const outcome: FileOutcome = { path: file.path, inputBytes: 0, inputRecordCount: 0, outputRecordCount: 0, failedRecordCount: 0 };
  const local = await mkdtemp(join(scratch, 'file-'));
  const sink = new ParquetSink(
    engine,
    run.written,
    local,
    () => join(request.outputDir, `part-${String(run.nextPart++).padStart(5, '0')}.parquet`),
    request.engine?.spoolBytes,
  );
  /** Parquet files the SQL plan already wrote for this file: removed again if the file fails as a whole. */
  const written: string[] = [];
  let bytes = 0;
  // Rows the JavaScript mapper handles, whichever path brought them; `rowOffset`: the rows of earlier segments of the part's file.
  const handle = async (part: string, rowOffset: number, batch: SourceRecord[]) => {
    request.signal?.throwIfAborted();
    const started = performance.now();
    const valid: Array<Record<string, unknown>> = [];
    for (const record of batch) {
      const row = processRecord(run, part, record, rowOffset);
      if (row) valid.push(row);
      else outcome.failedRecordCount++;
    }
    run.times.add('jsMap', performance.now() - started);
    await run.times.time('jsSpool', () => sink.add(valid));
  };
  const source = materialize(file, request.format, local, {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.decompressionLimits ? { limits: request.decompressionLimits } : {}),
    ...(request.maxRecordBytes !== undefined ? { maxRecordBytes: request.maxRecordBytes } : {}),
    segmentBytes: request.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
  });
  /** Data rows read so far per label: a file's segments number their rows on from the segments before. */
  const rowsBefore = new Map<string, number>();
  try {
    for await (const part of timed(source.parts, run.times, 'spool')) {
      const rowOffset = rowsBefore.get(part.label) ?? 0;
      const rowsAtStart = outcome.inputRecordCount;
      await checkIsText(part.path, part.label, request.format);
      const partBytes = (await stat(part.path)).size;
      const planned = await run.times.time('compile', () => planFor(run, part.path, partBytes));
      let planRan = false;
      if (planned) {
        const path = join(request.outputDir, `part-${String(run.nextPart).padStart(5, '0')}.parquet`);
        const small = scratchBytes(request.format, partBytes) <= (request.engine?.scratchTableBytes ?? SCRATCH_TABLE_BYTES);
        const scratchCopy = small ? ({ kind: 'table' } as const) : ({ kind: 'parquet', path: join(local, 'staged.parquet') } as const);
        const result = await runPlan(
          engine,
          planned.plan,
          planned.source,
          path,
          scratchCopy,
          (batch) => handle(part.label, rowOffset, batch),
          run.times,
          run.dayColumn ?? undefined,
          request.engine?.capturedRows,
        );
        if (result) {
          outcome.inputRecordCount += result.rows;
          outcome.outputRecordCount += result.written;
          if (result.bytes > 0) {
            written.push(...result.paths);
            run.nextPart++;
            bytes += result.bytes;
          }
        }
        // Null: the engine does not read this file as the JavaScript reader does, and that reader takes it.
        planRan = result !== null;
      }
      if (!planRan) {
        for await (const batch of readRecords(engine, part.path, request.format, undefined, request.maxRecordBytes)) {
          outcome.inputRecordCount += batch.length;
          await handle(part.label, rowOffset, batch);
        }
      }
      rowsBefore.set(part.label, rowOffset + outcome.inputRecordCount - rowsAtStart);
    }
    outcome.inputBytes = source.inputBytes;
    // A stop asked while the last rows were mapped still stops the run: nothing of the file is kept.
    request.signal?.throwIfAborted();
    const sinkParts = await run.times.time('jsParquet', () => sink.finish());
    outcome.outputRecordCount += sink.rows;
    return { outcome, bytes: sinkParts.reduce((sum, part) => sum + part.bytes, bytes) };
  } catch (error) {
    outcome.inputBytes = source.inputBytes;
    await sink.discard();
    await Promise.all(written.map((path) => rm(path, { force: true })));
    // A statement interrupted because the run was stopped fails like a broken file would: it is not
    // one, and recording it as failed would keep it from the run that takes this one up again.
    request.signal?.throwIfAborted();
    if (!(error instanceof FileFailure)) throw error;
    outcome.error = { code: error.code, message: error.message };
    outcome.outputRecordCount = 0;
    outcome.failedRecordCount = outcome.inputRecordCount;
    return { outcome, bytes: 0 };
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

/**
 * The SQL plan for a local part, when one applies: mappings the engine can express, over a source
 * it reads as the JavaScript reader does (see PlanSource). Everything else (rows as they are,
 * functions without an SQL twin) runs in JavaScript.
 */
async function planFor(run: Run, path: string, bytes: number): Promise<{ plan: SqlPlan; source: PlanSource } | null> {
  const { request } = run;
  if (request.engineMode === 'javascript' || !request.mappings || request.mappings.length === 0) return null;
  const source = await planSource(run, request.mappings, path, bytes);
  if (!source) return null;
  if (!run.plans.has(source.key)) {
    const plan = compileSqlPlan(request.mappings, run.written, request.target.schema, source);
    run.plans.set(source.key, plan && (await engineAccepts(run.engine, plan)) ? plan : null);
  }
  const plan = run.plans.get(source.key);
  return plan ? { plan, source } : null;
}

/** How the engine reads a local part for a plan, or null when it cannot as the JavaScript reader would. */
async function planSource(run: Run, mappings: FieldMapping[], path: string, bytes: number): Promise<PlanSource | null> {
  const { format, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES } = run.request;
  switch (format.format) {
    case 'delimited': {
      const source = await delimitedSource(path, format, maxRecordBytes);
      // A part larger than a segment (which ends at the first record end past its size: a local file read where it
      // lies) keeps the scratch copy: its flagged rows may outgrow what the one pass holds (a 2 GB file with 1% broken
      // rows has 201,166), and a pass that runs out of room near the end has cost a whole read for nothing (43 s
      // against 26 for that file).
      const segment = (run.request.segmentBytes ?? DEFAULT_SEGMENT_BYTES) + maxRecordBytes;
      return source && delimitedPlanSource(source, bytes <= segment);
    }
    case 'json':
      return jsonPlanSource(path, format.isMultiLineJson === true, sourceAttributes(mappings), maxRecordBytes);
    case 'parquet':
      return parquetPlanSource(run.engine, path, sourceAttributes(mappings));
  }
}

/** Maps, coerces and validates one record; returns the row to write, or null after logging why not. */
function processRecord(run: Run, path: string, record: SourceRecord, rowOffset: number): Record<string, unknown> | null {
  const { errors, mapper, request, root } = run;
  const row = record.row + rowOffset;
  if (!record.values) {
    errors.add({ file: path, row, code: record.error?.code ?? RowCode.badJson, message: record.error?.message ?? 'unreadable record' });
    return null;
  }
  const mapped = mapper(record.values);
  if (!mapped.row) {
    for (const issue of mapped.issues) errors.add({ file: path, row, ...issue });
    return null;
  }
  const violations = request.target.validate(mapped.row);
  if (violations.length > 0) {
    for (const v of violations.slice(0, MAX_VIOLATIONS_PER_ROW)) {
      errors.add({
        file: path,
        row,
        code: RowCode.schemaViolation,
        message: v.path ? `${v.path}: ${v.message}` : v.message,
        ...(v.path ? { field: v.path } : {}),
      });
    }
    return null;
  }
  if (!Object.keys(mapped.row).some((key) => root.properties.has(key))) {
    // Such a row would have no column to land in.
    errors.add({ file: path, row, code: RowCode.emptyRow, message: 'the row has no value for any field of the target schema' });
    return null;
  }
  return mapped.row;
}

/** The items of `items`, the time spent waiting for each added to `stage`. */
async function* timed<T>(items: AsyncIterable<T>, times: StageTimes, stage: string): AsyncGenerator<T> {
  const iterator = items[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await times.time(stage, () => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** Keeps row errors up to a cap; past it only counts grow (the counts live in FileOutcome). */
class RowErrorLog {
  readonly kept: RowError[] = [];
  constructor(private readonly max: number) {}
  add(error: RowError): void {
    if (this.kept.length < this.max) this.kept.push({ ...error, message: printable(error.message) });
  }
}

/** Part numbers continue after files already in the folder, so a second ingest into one batch overwrites nothing. */
async function firstFreePart(dir: string): Promise<number> {
  const numbers = (await readdir(dir))
    // A part split by day is `part-NNNNN.{day}[.n].parquet`.
    .map((name) => /^part-(\d+)(?:\.[^/]+)?\.parquet$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return numbers.length ? Math.max(...numbers) + 1 : 0;
}
