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
 *
 * `only` (ascending row numbers) reads just those rows: the others are counted, checked and skipped
 * unparsed. The compiled plan uses it to hand the JavaScript mapper the rows it flagged.
 */
export async function* readJsonLines(path: string, limit?: number, maxLineBytes = DEFAULT_MAX_RECORD_BYTES, only?: readonly number[]): RecordBatches {
  let row = 0;
  let wanted = 0;
  let batch: SourceRecord[] = [];
  for await (const lines of jsonLines(path, maxLineBytes)) {
    for (const { bytes, number } of lines) {
      if (!isUtf8(bytes)) throw new FileFailure(FileCode.unparsable, `line ${number} is not valid UTF-8: the file must be UTF-8 encoded`);
      if (isBlank(bytes)) continue;
      row++;
      if (only) {
        if (only[wanted] !== row) continue;
        wanted++;
      }
      batch.push(parseLine(bytes.toString('utf8'), row));
      if ((limit !== undefined && row >= limit) || (only && wanted >= only.length)) {
        yield batch;
        return;
      }
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/** Bytes DuckDB's newline-delimited JSON reader skips a line of (a line of only these is no record to it). */
const ASCII_WHITE_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

/**
 * Whether DuckDB's newline-delimited reader (`read_json_objects`, `ignore_errors`) sees the records
 * readJsonLines sees, in the same order and numbered alike, each with the same verdict on its JSON:
 * every line valid UTF-8 and short enough (else readJsonLines fails the file), no blank line that
 * DuckDB would count as a broken record (Unicode white space only, which JavaScript's trim removes),
 * and no vertical tab or form feed beside a record (DuckDB skips them, JSON.parse refuses them).
 */
export async function jsonLinesAgree(path: string, maxLineBytes = DEFAULT_MAX_RECORD_BYTES): Promise<boolean> {
  try {
    for await (const lines of jsonLines(path, maxLineBytes)) {
      for (const { bytes } of lines) {
        if (!isUtf8(bytes)) return false;
        // Most lines start with "{": one look decides them.
        let first = 0;
        while (first < bytes.length && ASCII_WHITE_SPACE.has(bytes[first]!)) first++;
        if (first === bytes.length) continue;
        if (isBlank(bytes) || bytes.includes(0x0b) || bytes.includes(0x0c)) return false;
      }
    }
    return true;
  } catch (error) {
    if (error instanceof FileFailure) return false;
    throw error;
  }
}

/** Whether a line is blank as readJsonLines judges it: nothing but white space to JavaScript's trim(). */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return bytes.toString('utf8').trim() === '';
    if (!ASCII_WHITE_SPACE.has(byte)) return false;
  }
  return true;
}

/** The lines of a file (without "\n" or a "\r" before it), in batches, numbered from 1. */
async function* jsonLines(path: string, maxLineBytes: number): AsyncGenerator<Array<{ bytes: Buffer; number: number }>> {
  let number = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const tooLong = () =>
    new FileFailure(FileCode.recordTooLarge, `line ${number + 1} is longer than ${maxLineBytes} bytes, the most one record may take`);
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines: Array<{ bytes: Buffer; number: number }> = [];
      let start = 0;
      for (let end = chunk.indexOf(0x0a, start); end >= 0; end = chunk.indexOf(0x0a, start)) {
        if (pendingBytes + end - start > maxLineBytes) {
          yield lines;
          throw tooLong();
        }
        const piece = chunk.subarray(start, end);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        start = end + 1;
        lines.push({ bytes: stripCr(bytes), number: ++number });
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) {
          yield lines;
          throw tooLong();
        }
        // A copy: the stream may reuse the chunk's memory.
        pending.push(Buffer.from(chunk.subarray(start)));
      }
      yield lines;
    }
    if (pendingBytes > 0) yield [{ bytes: stripCr(Buffer.concat(pending)), number: ++number }];
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
