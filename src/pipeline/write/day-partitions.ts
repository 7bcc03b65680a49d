import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { walk } from '../../lake/walk.js';
import { engineMessage, openEngine, sqlIdent, sqlString, type Engine, type EngineOptions } from '../engine/duckdb.js';
import { daysFromCivil } from '../schema/calendar.js';

/**
 * Day partitions of a batch's Parquet files (a time-series dataset's Iceberg table is partitioned by the UTC day
 * of its `timestamp`): every file must hold rows of one day. A file that does already is kept as it is; one whose
 * rows span several days is rewritten by DuckDB in one pass, as one file per day named after it and its day
 * (`part-00000.parquet` → `part-00000.2026-11-29.parquet`, …), and removed. Rows without a value (the field is
 * required, but a file may lack the column) make a file of their own, whose partition value is null.
 */

/** A day as Iceberg's `day` transform gives it: days from 1970-01-01. */
export type DayNumber = number;

/** The hidden folder DuckDB writes a split into (hidden names are writers' temporaries, skipped by the lake). */
const SPLIT_DIR = '.day-split';
const DAY_COLUMN = '__tributary_day';

/**
 * Makes each `.parquet` file under `dir` hold one day of `column`; answers each resulting file's day, by its
 * "/"-separated name under `dir` (null: no value).
 */
export async function splitByDay(dir: string, column: string, options: EngineOptions = {}): Promise<Map<string, DayNumber | null>> {
  const days = new Map<string, DayNumber | null>();
  const files = (await walk(dir)).filter((f) => f.name.endsWith('.parquet'));
  if (files.length === 0) return days;
  const engine = await openEngine({ threads: 1, ...options });
  try {
    await engine.connection.run('SET preserve_insertion_order = false');
    for (const file of files) {
      for (const [name, day] of await splitFile(engine, dir, file.name, column)) days.set(name, day);
    }
    return days;
  } finally {
    engine.close();
  }
}

async function splitFile(engine: Engine, dir: string, name: string, column: string): Promise<Array<[string, DayNumber | null]>> {
  const path = join(dir, name);
  const source = `read_parquet(${sqlString(path)})`;
  const { connection } = engine;
  const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS() as Array<{ column_name: string }>;
  // No row filled the field, so no column was written: every row is without a day.
  if (!described.some((c) => c.column_name === column)) return [[name, null]];
  const day = `CAST(${sqlIdent(column)} AS DATE)`;
  const [range] = (
    await connection.runAndReadAll(
      `SELECT date_diff('day', DATE '1970-01-01', min(${day}))::INTEGER AS low, date_diff('day', DATE '1970-01-01', max(${day}))::INTEGER AS high,
              count(*) FILTER (WHERE ${sqlIdent(column)} IS NULL)::INTEGER AS nulls, count(*)::INTEGER AS total FROM ${source}`,
    )
  ).getRowObjectsJS() as Array<{ low: number | null; high: number | null; nulls: number; total: number }>;
  if (!range || range.total === range.nulls) return [[name, null]];
  if (range.low === range.high && range.nulls === 0) return [[name, range.low]];

  const written = await copyByDay(connection, `SELECT * FROM ${source}`, column, dir, name.slice(0, -'.parquet'.length));
  await unlink(path);
  return written.files.map((w) => [w.name, w.day]);
}

/** The day number of a hive folder's date value (DuckDB names the folder of rows without one `__HIVE_DEFAULT_PARTITION__`). */
function dayNumber(value: string): DayNumber | null {
  if (value === 'NULL' || value === '__HIVE_DEFAULT_PARTITION__') return null;
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new Error(`unexpected day partition value ${value}`);
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** A Parquet file written for one day, by its name under the output folder. */
export interface DayFile {
  name: string;
  path: string;
  bytes: number;
  day: DayNumber | null;
}

/**
 * Writes the rows of `select` as Parquet files of one UTC day of `column` each, in one pass (DuckDB's
 * PARTITION_BY, into a hidden folder, then moved beside each other): `{stem}.{YYYY-MM-DD}.parquet` in `dir`
 * (`{stem}.null.parquet` for rows without a value; `.{n}` before the extension when DuckDB made several files of
 * a day), and how many rows they hold. A failure leaves none of them behind.
 */
export async function copyByDay(
  connection: DuckDBConnection,
  select: string,
  column: string,
  dir: string,
  stem: string,
  copyOptions = '',
): Promise<{ files: DayFile[]; rows: number }> {
  const scratch = join(dir, `${SPLIT_DIR}-${stem.replaceAll('/', '_')}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const out: DayFile[] = [];
  let rows: number;
  try {
    try {
      rows = (
        await connection.run(
          `COPY (SELECT *, CAST(${sqlIdent(column)} AS DATE) AS ${DAY_COLUMN} FROM (${select})) TO ${sqlString(scratch)}
         (FORMAT parquet, PARTITION_BY (${DAY_COLUMN})${copyOptions ? `, ${copyOptions}` : ''})`,
        )
      ).rowsChanged;
    } catch (error) {
      throw new Error(`cannot write ${stem} by day of ${column}: ${engineMessage(error)}`);
    }
    for (const folder of (await readdir(scratch)).sort()) {
      if (!folder.startsWith(`${DAY_COLUMN}=`)) continue;
      const value = folder.slice(DAY_COLUMN.length + 1);
      const day = dayNumber(value);
      const label = day === null ? 'null' : value;
      const parts = (await readdir(join(scratch, folder))).filter((f) => f.endsWith('.parquet')).sort();
      for (const [i, part] of parts.entries()) {
        const name = `${stem}.${label}${parts.length > 1 ? `.${i}` : ''}.parquet`;
        const path = join(dir, name);
        await rename(join(scratch, folder, part), path);
        out.push({ name, path, bytes: (await stat(path)).size, day });
      }
    }
    return { files: out, rows };
  } catch (error) {
    await Promise.all(out.map((f) => rm(f.path, { force: true })));
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
