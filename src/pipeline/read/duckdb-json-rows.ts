import { type Engine, engineMessage } from '../engine/duckdb.js';
import { FileCode, FileFailure, RowCode } from '../errors.js';
import type { RecordBatches, SourceRecord } from './records.js';

/**
 * Streams a query whose single column holds each record as JSON text, as plain records. Used
 * for sources DuckDB must parse as a whole (Parquet, multi-line JSON); going through JSON gives
 * every format the same plain values (strings, numbers, booleans, objects, arrays).
 */
export async function* jsonRowsOf(engine: Engine, sql: string, what: string): RecordBatches {
  let row = 0;
  try {
    const result = await engine.connection.stream(sql);
    for await (const rows of result.yieldRowsJs()) yield (rows as Array<[string | null]>).map(([json]) => jsonRecord(json, ++row));
  } catch (error) {
    throw readFailure(error, what);
  }
}

/** One record of jsonRowsOf from its JSON text; throws (see readFailure) when the text is not JSON. */
export function jsonRecord(json: string | null, row: number): SourceRecord {
  const value: unknown = json === null ? null : JSON.parse(json);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { row, values: value as Record<string, unknown> }
    : { row, values: null, error: { code: RowCode.badJson, message: 'the record is not a JSON object' } };
}

/** The file failure for an error while reading records through jsonRowsOf (`what`: "JSON", "Parquet"). */
export function readFailure(error: unknown, what: string): FileFailure {
  return new FileFailure(FileCode.unparsable, `cannot read the ${what} file: ${engineMessage(error)}`);
}
