import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { walk } from '../../lake/walk.js';
import { engineMessage, openEngine, sqlIdent, sqlString, type Engine, type EngineOptions } from '../engine/duckdb.js';

/**
 * Day partitions of a batch's Parquet files (a time-series dataset's Iceberg table is partitioned by the UTC day
 * of its `timestamp`): every file must hold rows of one day. A file that does already is kept as it is; one whose
 * rows span several days is rewritten by DuckDB in one pass, as one file per day named after it and its day
 * (`part-00000.parquet` → `part-00000.2026-11-29.parquet`, …), and removed. Rows without a value (the field is
 * required, but a file may lack the column) make a file of their own, whose partition value is null.
 */

/** A day as Iceberg's `day` transform gives it: days from 1970-01-01. */
export type DayNumber = number;

const DAY_MS = 86_400_000;
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

  const scratch = join(dir, SPLIT_DIR);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    try {
      await connection.run(
        `COPY (SELECT *, ${day} AS ${DAY_COLUMN} FROM ${source}) TO ${sqlString(scratch)} (FORMAT parquet, PARTITION_BY (${DAY_COLUMN}))`,
      );
    } catch (error) {
      throw new Error(`cannot split ${name} by day of ${column}: ${engineMessage(error)}`);
    }
    const stem = name.slice(0, -'.parquet'.length);
    const out: Array<[string, DayNumber | null]> = [];
    for (const folder of (await readdir(scratch)).sort()) {
      const value = folder.startsWith(`${DAY_COLUMN}=`) ? folder.slice(DAY_COLUMN.length + 1) : null;
      if (value === null) continue;
      const dayNumber = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) / DAY_MS : null;
      const label = dayNumber === null ? 'null' : value;
      const parts = (await readdir(join(scratch, folder))).filter((f) => f.endsWith('.parquet')).sort();
      for (const [i, part] of parts.entries()) {
        const target = `${stem}.${label}${parts.length > 1 ? `.${i}` : ''}.parquet`;
        await rename(join(scratch, folder, part), join(dir, target));
        out.push([target, dayNumber]);
      }
    }
    await unlink(path);
    return out;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
