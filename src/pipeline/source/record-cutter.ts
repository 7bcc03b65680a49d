import type { SourceFormat } from '../contracts.js';

const LF = 0x0a;

/**
 * Finds record ends in a stream of plain (UTF-8) bytes, so that a file can be cut into segments that
 * each hold whole records. Every byte of the stream passes through exactly one of the two methods, in
 * order, since a record end depends on everything before it (a newline inside quotes ends nothing).
 */
export interface RecordCutter {
  /** Takes in `chunk[from, to)`, where no cut is wanted. */
  skip(chunk: Buffer, from: number, to: number): void;
  /** Takes in bytes from `from` up to the first record end; returns the index just past it, or -1 (all of the chunk taken in). */
  next(chunk: Buffer, from: number): number;
}

/**
 * The cutter for a format whose records can be told apart while streaming, or null when the file
 * must stay whole: Parquet needs random access (its footer is at the end), and a multi-line JSON
 * document (an array, or objects spread over lines) only splits once parsed whole. A delimited file
 * whose quote or escape character is not ASCII stays whole too (the cutter reads bytes, not characters).
 */
export function recordCutter(format: SourceFormat): RecordCutter | null {
  if (format.format === 'json') return format.isMultiLineJson ? null : new LineCutter();
  if (format.format !== 'delimited') return null;
  const quote = format.quoteChar ?? '"';
  const escapeChar = format.escapeChar ?? quote;
  if (quote.length !== 1 || escapeChar.length !== 1 || quote.charCodeAt(0) >= 0x80 || escapeChar.charCodeAt(0) >= 0x80) return null;
  return new QuotedRecordCutter(quote.charCodeAt(0), escapeChar.charCodeAt(0));
}

/** JSON lines: every newline ends a record (a JSON string cannot hold a raw newline). */
class LineCutter implements RecordCutter {
  skip(): void {}

  next(chunk: Buffer, from: number): number {
    const end = chunk.indexOf(LF, from);
    return end < 0 ? -1 : end + 1;
  }
}

/**
 * Delimited records: a newline ends one unless it sits inside quotes. Follows the reading DuckDB is
 * given (delimited.ts): a quote character opens or closes quoting wherever it stands (as first-record.ts
 * reads the header), a doubled quote inside quotes is one quote (which toggling twice models), and a
 * distinct escape character inside quotes takes the character after it literally. Cutting after the
 * "\n" keeps a CRLF whole; a file that ends its lines with a lone CR is never cut.
 */
class QuotedRecordCutter implements RecordCutter {
  private quoted = false;
  /** The previous byte was the escape character, inside quotes. */
  private escaped = false;

  constructor(
    private readonly quoteByte: number,
    private readonly escapeByte: number,
  ) {}

  skip(chunk: Buffer, from: number, to: number): void {
    if (this.escapeByte === this.quoteByte) {
      // The common case, without a loop over every byte in JavaScript: quoting is the parity of the quotes seen.
      let count = 0;
      for (let i = chunk.indexOf(this.quoteByte, from); i >= 0 && i < to; i = chunk.indexOf(this.quoteByte, i + 1)) count++;
      if (count % 2 === 1) this.quoted = !this.quoted;
      return;
    }
    for (let i = from; i < to; i++) this.take(chunk[i]!);
  }

  next(chunk: Buffer, from: number): number {
    if (this.escapeByte === this.quoteByte) {
      // Jump from quote to quote, and look for a newline only between quoted stretches.
      let i = from;
      while (i < chunk.length) {
        if (this.quoted) {
          const close = chunk.indexOf(this.quoteByte, i);
          if (close < 0) return -1;
          this.quoted = false;
          i = close + 1;
        } else {
          const newline = chunk.indexOf(LF, i);
          const open = chunk.indexOf(this.quoteByte, i);
          if (newline >= 0 && (open < 0 || newline < open)) return newline + 1;
          if (open < 0) return -1;
          this.quoted = true;
          i = open + 1;
        }
      }
      return -1;
    }
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (!this.quoted && !this.escaped && byte === LF) return i + 1;
      this.take(byte);
    }
    return -1;
  }

  private take(byte: number): void {
    if (this.escaped) this.escaped = false;
    else if (this.quoted) {
      if (byte === this.escapeByte) this.escaped = true;
      else if (byte === this.quoteByte) this.quoted = false;
    } else if (byte === this.quoteByte) this.quoted = true;
  }
}
