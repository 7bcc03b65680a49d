import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { FileCode, FileFailure, RowCode } from '../errors.js';
import { BATCH_SIZE, type RecordBatches, type SourceRecord } from './records.js';
import { DEFAULT_MAX_RECORD_BYTES } from './limits.js';

/**
 * One JSON object per line. Parsed here rather than by DuckDB so that one broken line fails only
 * its row, and so that values keep their JSON types instead of a type DuckDB inferred for the file.
 * Lines are split on bytes, so that a line longer than `maxLineBytes` is refused before it is held
 * whole, and each line's UTF-8 is checked (a decoder would quietly replace bad bytes, landing rows
 * with altered text): either fails the file, which cannot be read as meant.
 */
export async function* readJsonLines(path: string, limit?: number, maxLineBytes = DEFAULT_MAX_RECORD_BYTES): RecordBatches {
  let row = 0;
  let lineNumber = 0;
  let batch: SourceRecord[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: Buffer): SourceRecord | null => {
    lineNumber++;
    if (!isUtf8(bytes)) throw new FileFailure(FileCode.unparsable, `line ${lineNumber} is not valid UTF-8: the file must be UTF-8 encoded`);
    const line = bytes.toString('utf8');
    if (line.trim() === '') return null;
    row++;
    return parseLine(line, row);
  };
  const tooLong = () =>
    new FileFailure(FileCode.recordTooLarge, `line ${lineNumber + 1} is longer than ${maxLineBytes} bytes, the most one record may take`);
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a, start); end >= 0; end = chunk.indexOf(0x0a, start)) {
        if (pendingBytes + end - start > maxLineBytes) throw tooLong();
        const piece = chunk.subarray(start, end);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        start = end + 1;
        const record = take(stripCr(bytes));
        if (!record) continue;
        batch.push(record);
        if (limit !== undefined && row >= limit) {
          yield batch;
          return;
        }
        if (batch.length >= BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) throw tooLong();
        // A copy: the stream may reuse the chunk's memory.
        pending.push(Buffer.from(chunk.subarray(start)));
      }
    }
    if (pendingBytes > 0) {
      const record = take(stripCr(Buffer.concat(pending)));
      if (record) batch.push(record);
    }
    if (batch.length) yield batch;
  } finally {
    stream.destroy();
  }
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes;
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
