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
  for await (const block of lineBlocks(path, maxLineBytes)) {
    const { bytes, starts, ends } = block;
    // One check of the block's lines stands for each line's (a newline is never inside a UTF-8 sequence).
    const valid = isUtf8(lines(block));
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const end = ends[i]!;
      if (!valid && !isUtf8(bytes.subarray(start, end))) {
        throw new FileFailure(FileCode.unparsable, `line ${block.first + i} is not valid UTF-8: the file must be UTF-8 encoded`);
      }
      if (!startsVisibly(bytes, start, end) && isBlank(bytes.subarray(start, end))) continue;
      row++;
      if (only) {
        if (only[wanted] !== row) continue;
        wanted++;
      }
      batch.push(parseLine(bytes.toString('utf8', start, end), row));
      if ((limit !== undefined && row >= limit) || (only && wanted >= only.length)) {
        yield batch;
        return;
      }
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
    if (block.failure) throw block.failure;
  }
  if (batch.length) yield batch;
}

/** Bytes DuckDB's newline-delimited JSON reader skips a line of (a line of only these is no record to it). */
const ASCII_WHITE_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

/** Whether a line's first byte is printable ASCII: then it is no blank line, to either reader (most lines start with "{"). */
const startsVisibly = (bytes: Buffer, start: number, end: number) => start < end && bytes[start]! > 0x20 && bytes[start]! < 0x7f;

/**
 * Whether DuckDB's newline-delimited reader (`read_json_objects`, `ignore_errors`) sees the records
 * readJsonLines sees, in the same order and numbered alike, each with the same verdict on its JSON:
 * every line valid UTF-8 and short enough (else readJsonLines fails the file), no blank line that
 * DuckDB would count as a broken record (Unicode white space only, which JavaScript's trim removes),
 * and no vertical tab or form feed beside a record (DuckDB skips them, JSON.parse refuses them).
 */
export async function jsonLinesAgree(path: string, maxLineBytes = DEFAULT_MAX_RECORD_BYTES): Promise<boolean> {
  for await (const block of lineBlocks(path, maxLineBytes)) {
    const { bytes, starts, ends, failure } = block;
    const all = lines(block);
    if (failure || !isUtf8(all)) return false;
    // Most blocks hold neither byte: then only lines that do not start visibly need a closer look.
    const controls = all.includes(0x0b) || all.includes(0x0c);
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const end = ends[i]!;
      if (!controls && startsVisibly(bytes, start, end)) continue;
      const line = bytes.subarray(start, end);
      let first = 0;
      while (first < line.length && ASCII_WHITE_SPACE.has(line[first]!)) first++;
      if (first === line.length) continue;
      if (isBlank(line) || line.includes(0x0b) || line.includes(0x0c)) return false;
    }
  }
  return true;
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

/**
 * Whole lines of a file, a block at a time: `bytes` holds them, line `first + i` runs from `starts[i]`
 * to `ends[i]` (without "\n" or a "\r" before it). Lines are located, never copied one by one. A line
 * longer than `maxLineBytes` ends the file: its block carries the failure after the lines before it.
 */
interface LineBlock {
  bytes: Buffer;
  starts: number[];
  ends: number[];
  first: number;
  failure?: FileFailure;
}

/** The bytes from a block's first line to its last (the chunk may hold parts of lines before and after). */
const lines = (block: LineBlock) =>
  block.starts.length ? block.bytes.subarray(block.starts[0], block.ends[block.ends.length - 1]) : block.bytes.subarray(0, 0);

/** Read size: large enough that per-block work vanishes, small enough to hold a few at once. */
const BLOCK_BYTES = 1024 * 1024;

async function* lineBlocks(path: string, maxLineBytes: number): AsyncGenerator<LineBlock> {
  let number = 0;
  // The start of a line that earlier chunks ended inside: copies, since the stream may reuse a chunk's memory.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const tooLong = () =>
    new FileFailure(FileCode.recordTooLarge, `line ${number + 1} is longer than ${maxLineBytes} bytes, the most one record may take`);
  const stream = createReadStream(path, { highWaterMark: BLOCK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk.indexOf(0x0a) < 0) {
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        if (pendingBytes > maxLineBytes) {
          yield { bytes: chunk, starts: [], ends: [], first: number + 1, failure: tooLong() };
          return;
        }
        continue;
      }
      let start = 0;
      if (pending.length) {
        // The line earlier chunks ended inside, made whole on its own: the chunk itself is never copied.
        const end = chunk.indexOf(0x0a);
        if (pendingBytes + end > maxLineBytes) {
          yield { bytes: chunk, starts: [], ends: [], first: number + 1, failure: tooLong() };
          return;
        }
        const line = Buffer.concat([...pending, chunk.subarray(0, end)]);
        number++;
        yield { bytes: line, starts: [0], ends: [line.length && line[line.length - 1] === 0x0d ? line.length - 1 : line.length], first: number };
        start = end + 1;
      }
      const bytes = chunk;
      const block: LineBlock = { bytes, starts: [], ends: [], first: number + 1 };
      for (let end = bytes.indexOf(0x0a, start); end >= 0; end = bytes.indexOf(0x0a, start)) {
        if (end - start > maxLineBytes) {
          block.failure = tooLong();
          yield block;
          return;
        }
        block.starts.push(start);
        block.ends.push(end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
        number++;
        start = end + 1;
      }
      pending = start < bytes.length ? [Buffer.from(bytes.subarray(start))] : [];
      pendingBytes = bytes.length - start;
      if (pendingBytes > maxLineBytes) {
        block.failure = tooLong();
        yield block;
        return;
      }
      yield block;
    }
    if (pendingBytes > 0) {
      const bytes = Buffer.concat(pending);
      const end = bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
      yield { bytes, starts: [0], ends: [end], first: number + 1 };
    }
  } finally {
    stream.destroy();
  }
}

/** One line's record, as readJsonLines gives it (DuckDB's text of a line serves as well: JSON.parse ignores the white space it trims). */
export function parseLine(line: string, row: number): SourceRecord {
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
