import type { SourceFormat } from '../contracts.js';
import { sqlString, type Engine, engineMessage } from '../engine/duckdb.js';
import { FileCode, FileFailure, RowCode } from '../errors.js';
import { columnNames, readFirstRecord } from './first-record.js';
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
}

/**
 * How DuckDB is to read a delimited (UTF-8) file, or null for an empty file. Every column is VARCHAR
 * so the raw text reaches mapping. Ragged rows must fail alone, not the file: DuckDB is asked for
 * one column more than the header has, padding short rows with NULL and keeping the first extra
 * field of long rows, so each row's shape can be checked.
 */
export async function delimitedSource(path: string, format: SourceFormat): Promise<DelimitedSource | null> {
  const delimiter = format.columnDelimiter ?? ',';
  const quote = format.quoteChar ?? '"';
  const escape = format.escapeChar ?? quote;
  for (const [name, value] of [
    ['columnDelimiter', delimiter],
    ['quoteChar', quote],
    ['escapeChar', escape],
  ] as const) {
    if ([...value].length !== 1) throw new FileFailure(FileCode.badFormat, `${name} must be one character, got ${JSON.stringify(value)}`);
  }
  const header = format.header !== false;
  const first = await readFirstRecord(path, delimiter, quote, escape);
  if (!first) return null;
  const width = first.length;
  const names = columnNames(header ? first : null, width);
  const columns = Array.from({ length: width + 1 }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const options = `header = false, auto_detect = false, columns = {${columns}},
      delim = ${sqlString(delimiter)}, quote = ${sqlString(quote)}, escape = ${sqlString(escape)},
      null_padding = true, strict_mode = false, nullstr = ${sqlString(NO_NULL)}`;
  const skip = header ? 1 : 0;
  return { sql: `read_csv(${sqlString(path)}, ${options})`, dataSql: `read_csv(${sqlString(path)}, ${options}, skip = ${skip})`, names, skip };
}

/** Rows of a delimited (UTF-8) file as string records (see delimitedSource). */
export async function* readDelimited(engine: Engine, path: string, format: SourceFormat, limit?: number): RecordBatches {
  const source = await delimitedSource(path, format);
  if (!source) return;
  const { names, skip } = source;
  const sql = `SELECT * FROM ${source.sql} ${limit !== undefined ? `LIMIT ${limit + skip}` : ''}`;

  let result;
  try {
    result = await engine.connection.stream(sql);
  } catch (error) {
    throw new FileFailure(FileCode.unparsable, `cannot parse the delimited file: ${engineMessage(error)}`);
  }
  let seen = 0;
  const rows = result.yieldRowsJs()[Symbol.asyncIterator]();
  for (;;) {
    let next;
    try {
      next = await rows.next();
    } catch (error) {
      throw new FileFailure(FileCode.unparsable, `cannot parse the delimited file: ${engineMessage(error)}`);
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
