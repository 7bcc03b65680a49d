import type { DuckDBResult } from '@duckdb/node-api';
import type { SourceFormat } from '../contracts.js';
import { sqlString, type Engine, engineMessage } from '../engine/duckdb.js';
import { FileCode, FileFailure, RowCode } from '../errors.js';
import type { DelimitedLayout } from './delimited-row-numbers.js';
import { columnNames, readFirstRecord } from './first-record.js';
import { DEFAULT_MAX_RECORD_BYTES, MAX_COLUMNS } from './limits.js';
import type { RecordBatches, SourceRecord } from './records.js';

/**
 * A string no data file contains, given to DuckDB as its NULL marker so that an empty field stays
 * "" and only the padding of a short row comes back as NULL: that is how short rows are told apart.
 */
const NO_NULL = '\u0001\u0002tributary-no-null\u0002\u0001';

/** A delimited file as DuckDB reads it: `sql` is a read_csv(…) table of VARCHAR columns c0…cN (cN catches ragged rows). */
export interface DelimitedSource {
  sql: string;
  /** The same table without the header record: data rows only, in file order. */
  dataSql: string;
  /** Column names for records (from the header, or positions). */
  names: string[];
  /** Leading records that are not data (the header). */
  skip: number;
  /** The file and the reading's separators: what finding rows in it again takes (see numberDelimitedRows). */
  layout: DelimitedLayout;
  /** The longest line the reader accepts (see csvFailure). */
  maxRecordBytes: number;
  /** The same reading on one thread: for the files the parallel reader refuses (see refusedInParallel); null when this is it. */
  sequential: DelimitedSource | null;
}

/** DuckDB reads this much of a file at a time; it must hold at least two of the longest lines. */
const MIN_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * How DuckDB is to read a delimited (UTF-8) file, or null for an empty file. Every column is VARCHAR
 * so the raw text reaches mapping. Ragged rows must fail alone, not the file: DuckDB is asked for
 * one column more than the header has, padding short rows with NULL and keeping the first extra
 * field of long rows, so each row's shape can be checked.
 */
export async function delimitedSource(
  path: string,
  format: SourceFormat,
  maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
): Promise<DelimitedSource | null> {
  const delimiter = format.columnDelimiter ?? ',';
  const quote = format.quoteChar ?? '"';
  const escapeChar = format.escapeChar ?? quote;
  for (const [name, value] of [
    ['columnDelimiter', delimiter],
    ['quoteChar', quote],
    ['escapeChar', escapeChar],
  ] as const) {
    // One UTF-16 unit: the header reader compares units, so a character outside the Basic Multilingual
    // Plane (an emoji) would never split the header while DuckDB split the rows.
    if (value.length !== 1)
      throw new FileFailure(FileCode.badFormat, `${name} must be one character of the Basic Multilingual Plane, got ${JSON.stringify(value)}`);
  }
  const header = format.header !== false;
  const first = await readFirstRecord(path, delimiter, quote, escapeChar, 'utf8', maxRecordBytes);
  if (!first) return null;
  const width = first.length;
  if (width > MAX_COLUMNS)
    throw new FileFailure(FileCode.tooManyColumns, `the file has ${width} columns; at most ${MAX_COLUMNS} columns can be read`);
  const names = columnNames(header ? first : null, width);
  const columns = Array.from({ length: width + 1 }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const options = `header = false, auto_detect = false, columns = {${columns}},
      delim = ${sqlString(delimiter)}, quote = ${sqlString(quote)}, escape = ${sqlString(escapeChar)},
      null_padding = true, strict_mode = false, nullstr = ${sqlString(NO_NULL)},
      max_line_size = ${maxRecordBytes}, buffer_size = ${Math.max(MIN_BUFFER_BYTES, 2 * maxRecordBytes)}`;
  const skip = header ? 1 : 0;
  const reading = (more: string): DelimitedSource => ({
    sql: `read_csv(${sqlString(path)}, ${options}${more})`,
    dataSql: `read_csv(${sqlString(path)}, ${options}${more}, skip = ${skip})`,
    names,
    skip,
    layout: { path, delimiter, quote, escapeChar, skip, width, maxRecordBytes },
    maxRecordBytes,
    sequential: null,
  });
  return { ...reading(''), sequential: reading(', parallel = false') };
}

/**
 * Whether DuckDB refused to read a file on several threads: its parallel reader cannot pad short rows
 * (null_padding, which tells them apart) once a quoted field holds a line break, and says so only
 * when a thread meets one. The file is sound; it is read again on one thread.
 */
export function refusedInParallel(error: unknown): boolean {
  return /parallel scanner does not support null_padding in conjunction with quoted new lines/i.test(engineMessage(error));
}

/**
 * The file failure for an error of DuckDB's CSV reader. A line past `max_line_size` cannot be split from the
 * file (the reader does not know where the next row starts), so it fails the file with its own code.
 */
export function csvFailure(error: unknown, source: Pick<DelimitedSource, 'maxRecordBytes'>): FileFailure {
  const message = engineMessage(error);
  if (/Maximum line size of \d+ bytes exceeded/.test(message)) {
    const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
    return new FileFailure(
      FileCode.recordTooLarge,
      `${line ? `line ${line}` : 'a line'} is longer than ${source.maxRecordBytes} bytes, the most one record may take`,
    );
  }
  // The reader quotes the offending line, which says nothing a user needs and may be long.
  return new FileFailure(FileCode.unparsable, `cannot parse the delimited file: ${message.replace(/\nOriginal Line:[^\n]*/, '')}`);
}

/**
 * Rows of a delimited (UTF-8) file as string records (see delimitedSource). Read on one thread: the rows
 * are mapped one by one here, so more threads would not help, and DuckDB's parallel reader refuses some
 * sound files (see refusedInParallel) — in a streamed result sometimes by ending early without an error.
 */
export async function* readDelimited(engine: Engine, path: string, format: SourceFormat, limit?: number, maxRecordBytes?: number): RecordBatches {
  const source = (await delimitedSource(path, format, maxRecordBytes))?.sequential;
  if (!source) return;
  const { names, skip } = source;
  const sql = `SELECT * FROM ${source.sql} ${limit !== undefined ? `LIMIT ${limit + skip}` : ''}`;

  let result: DuckDBResult;
  try {
    result = await engine.connection.stream(sql);
  } catch (error) {
    throw csvFailure(error, source);
  }
  let seen = 0;
  const rows = result.yieldRowsJs()[Symbol.asyncIterator]();
  for (;;) {
    let next: Awaited<ReturnType<typeof rows.next>>;
    try {
      next = await rows.next();
    } catch (error) {
      throw csvFailure(error, source);
    }
    if (next.done) return;
    const batch: SourceRecord[] = [];
    for (const fields of next.value as Array<Array<string | null>>) {
      if (seen++ < skip) continue;
      batch.push(toRecord(fields, names, seen - skip));
    }
    if (batch.length) yield batch;
  }
}

export function toRecord(fields: Array<string | null>, names: string[], row: number): SourceRecord {
  const width = names.length;
  if (fields[width] !== null || fields[width - 1] === null) {
    const count = fields[width] !== null ? `more than ${width}` : String(fields.indexOf(null));
    return { row, values: null, error: { code: RowCode.raggedRow, message: `row has ${count} columns; the header has ${width}` } };
  }
  const values: Record<string, unknown> = {};
  for (let i = 0; i < width; i++) {
    const value = fields[i]!;
    // Delimited files cannot tell an empty value from a missing one: both are "no value".
    values[names[i]!] = value === '' ? null : value;
  }
  return { row, values };
}
