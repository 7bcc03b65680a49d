import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RowCode } from '../errors.js';
import { BATCH_SIZE, type RecordBatches, type SourceRecord } from './records.js';

/**
 * One JSON object per line. Parsed here rather than by DuckDB so that one broken line fails only
 * its row, and so that values keep their JSON types instead of a type DuckDB inferred for the file.
 */
export async function* readJsonLines(path: string, limit?: number): RecordBatches {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let row = 0;
  let batch: SourceRecord[] = [];
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      row++;
      batch.push(parseLine(line, row));
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
      if (limit !== undefined && row >= limit) break;
    }
    if (batch.length) yield batch;
  } finally {
    lines.close();
  }
}

function parseLine(line: string, row: number): SourceRecord {
  let value: unknown;
  try {
    value = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch (error) {
    return { row, values: null, error: { code: RowCode.badJson, message: `invalid JSON: ${(error as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { row, values: null, error: { code: RowCode.badJson, message: 'the line is not a JSON object' } };
  }
  return { row, values: value as Record<string, unknown> };
}
