import type { SourceFormat } from '../contracts.js';
import { sqlString, type Engine } from '../engine/duckdb.js';
import { readDelimited } from './delimited.js';
import { jsonRowsOf } from './duckdb-json-rows.js';
import { readJsonLines } from './json-lines.js';
import type { RecordBatches } from './records.js';

export type { SourceRecord, RecordBatches } from './records.js';

/** The records of a local, plain (decompressed, UTF-8) copy of a source file. */
export function readRecords(engine: Engine, path: string, format: SourceFormat, limit?: number, maxRecordBytes?: number): RecordBatches {
  const limitSql = limit !== undefined ? ` LIMIT ${limit}` : '';
  switch (format.format) {
    case 'delimited':
      return readDelimited(engine, path, format, limit, maxRecordBytes);
    case 'json':
      if (!format.isMultiLineJson) return readJsonLines(path, limit, maxRecordBytes);
      // A top-level array or objects spread over lines: only a whole-document parser can split them.
      return jsonRowsOf(engine, `SELECT json::VARCHAR FROM read_json_objects(${sqlString(path)}, format = 'auto')${limitSql}`, 'JSON');
    case 'parquet':
      return jsonRowsOf(engine, `SELECT to_json(t)::VARCHAR FROM read_parquet(${sqlString(path)}) t${limitSql}`, 'Parquet');
  }
}
