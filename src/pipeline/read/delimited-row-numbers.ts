import { open } from 'node:fs/promises';
import { parseRecord } from './first-record.js';

/** How a delimited file is laid out for DuckDB's reader (see delimitedSource): what finding its rows again needs. */
export interface DelimitedLayout {
  path: string;
  delimiter: string;
  quote: string;
  escapeChar: string;
  /** Leading records that are not data (the header). */
  skip: number;
  /** The header's column count: a row is read as `width + 1` values (the last one catches a ragged row's extra field). */
  width: number;
  /** The longest record the reader accepts. */
  maxRecordBytes: number;
}

/** A row DuckDB read, as its values c0…cN (null where a short row was padded). */
export type RowValues = ReadonlyArray<string | null>;

const LF = 0x0a;
const CR = 0x0d;
const READ_BYTES = 1024 * 1024;

/**
 * The row numbers of some rows of a delimited file, given only their values: DuckDB's parallel CSV reader numbers
 * nothing, so the rows a plan flags while reading the file once come back without their places in it. One pass of
 * the file in JavaScript finds them again (two when a quoted field holds a line break, see LineEnds): rows with
 * equal values are judged alike, so the rows to number are exactly those whose values equal one of them, as often
 * as it was given. Mostly only the first field of each row is read here (a row whose first field matches none is
 * skipped; all its values, when the first ones hardly differ); a match is compared in full.
 *
 * Null when the file's rows cannot be told apart here as DuckDB read them — a separator other than one ASCII byte,
 * a row count other than `total`, a row matched more or fewer times than it was given, a record longer than the
 * reader accepts (what is held of a record is bounded so) — and the caller reads
 * the file the way that numbers rows itself. Returns `[row number (1 = first data row), ...values]` in file order.
 */
export async function numberDelimitedRows(layout: DelimitedLayout, rows: readonly RowValues[], total: number): Promise<unknown[][] | null> {
  const { delimiter, quote, escapeChar } = layout;
  const bytes = [delimiter, quote, escapeChar].map((c) => (c.length === 1 ? c.charCodeAt(0) : -1));
  if (bytes.some((b) => b < 0 || b >= 0x80)) return null;
  const [delimiterByte, quoteByte, escapeByte] = bytes as [number, number, number];
  const numbered = (records: RecordEnds) =>
    numberIn(layout, new Numbering(layout, new WantedRows(rows), delimiterByte, quoteByte, escapeByte), records, total);
  // Most files hold no line break inside quotes, and their lines are their records: one search per line finds them
  // (LineEnds), where following the quotes costs several. The count of lines tells when they are not, and then the
  // quotes are followed.
  return (await numbered(new LineEnds())) ?? (await numbered(new RecordSplitter(quoteByte, escapeByte)));
}

/** Where records end in a buffer (`next`: the index just past one, or -1 when the buffer ends first). */
interface RecordEnds {
  next(buffer: Buffer, from: number): number;
  /** The file cannot be read this way (no row can be numbered by it). */
  readonly refused: boolean;
}

/** One pass of the file: the records `ends` finds, numbered. */
async function numberIn(layout: DelimitedLayout, numbering: Numbering, ends: RecordEnds, total: number): Promise<unknown[][] | null> {
  const handle = await open(layout.path, 'r');
  try {
    // One buffer for every read (a new one per read doubled V8's young-generation collections). Nothing taken from
    // a read outlives it: the records found are parsed into strings.
    let chunk = Buffer.allocUnsafe(2 * READ_BYTES);
    let carried = 0;
    for (;;) {
      // A record that began in the last read is whole once its end is found: its start is moved ahead of the next read.
      if (carried + READ_BYTES > chunk.length) chunk = Buffer.concat([chunk.subarray(0, carried)], 2 * (carried + READ_BYTES));
      const { bytesRead } = await handle.read(chunk, carried, READ_BYTES, null);
      // A view of its own per read: the record ends' searches tell reads apart by it.
      const buffer = chunk.subarray(0, carried + bytesRead);
      if (bytesRead === 0) {
        if (carried > 0) numbering.take(buffer, 0, carried);
        break;
      }
      let start = 0;
      for (let end = ends.next(buffer, carried); end >= 0; end = ends.next(buffer, end)) {
        numbering.take(buffer, start, end);
        start = end;
      }
      if (numbering.failed || ends.refused) return null;
      // A record longer than the reader accepts: a quote that DuckDB read as a character opened quoting here.
      if (buffer.length - start > layout.maxRecordBytes) return null;
      carried = buffer.length - start;
      chunk.copyWithin(0, start, buffer.length);
    }
  } finally {
    await handle.close();
  }
  return numbering.result(total);
}

/** The records of a file in order, and the numbers of those wanted (no closure per record: this is the hot loop). */
class Numbering {
  /** The data row the next record is (0 = the first; negative while in the header). */
  private index: number;
  private readonly numbered: unknown[][] = [];
  /** A wanted row was read more often than it was given: DuckDB read the file otherwise. */
  failed = false;
  private fileStart = true;
  /** Records the filter of first values let through so far. */
  private candidates = 0;
  /** Records are told apart by all their values from now on (see take). */
  private byContent = false;

  constructor(
    private readonly layout: DelimitedLayout,
    private readonly wanted: WantedRows,
    private readonly delimiterByte: number,
    private readonly quoteByte: number,
    private readonly escapeByte: number,
  ) {
    this.index = -layout.skip;
  }

  take(buffer: Buffer, start: number, end: number): void {
    // A byte order mark is not data (neither reader keeps it).
    if (this.fileStart && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf) start += 3;
    this.fileStart = false;
    // The record's line break; DuckDB skips empty lines.
    if (end > start && buffer[end - 1] === LF) end--;
    if (end > start && buffer[end - 1] === CR) end--;
    if (end === start || this.failed) return;
    if (this.index++ < 0) return;
    if (this.byContent) {
      if (!this.wanted.mayHaveContent(this.contentHash(buffer, start, end))) return;
    } else {
      // Most records are told apart from the wanted ones by a hash of their first field's bytes, unless a quote comes
      // first (then the record is parsed). One loop here: a native search per record costs more than these few bytes.
      const { delimiterByte, quoteByte } = this;
      let hash = FNV_OFFSET;
      let plain = true;
      for (let i = start; i < end; i++) {
        const byte = buffer[i]!;
        if (byte === delimiterByte) break;
        if (byte === quoteByte) {
          plain = false;
          break;
        }
        hash = Math.imul(hash ^ byte, FNV_PRIME);
      }
      if (plain && !this.wanted.mayHaveFirst(hash)) return;
      // A first column of few values (a type, a country) lets most records through, each then parsed: 16 times the
      // whole pass's time on a file whose first field never changed. Past that share, a hash of all of a record's
      // values tells them apart instead, at the cost of a loop over every byte.
      if (++this.candidates >= CONTENT_AFTER_CANDIDATES && this.candidates * CONTENT_SHARE > this.index) this.byContent = true;
    }
    const fields = this.parse(buffer, start, end);
    if (!this.wanted.hasFirst(fields[0]!)) return;
    const match = this.wanted.take(padded(fields, this.layout.width + 1));
    if (match === 'exhausted') this.failed = true;
    else if (match !== 'none') this.numbered.push([this.index, ...match]);
  }

  result(total: number): unknown[][] | null {
    return this.failed || this.index !== total || !this.wanted.allFound() ? null : this.numbered;
  }

  /**
   * A hash of the record's values as parse reads them — quotes and escapes taken out, a separator mark before each
   * field but the first — over the first `width + 1` fields, which `padded` keeps: WantedRows' contentHash of them.
   */
  private contentHash(buffer: Buffer, start: number, end: number): number {
    const { delimiterByte, quoteByte, escapeByte } = this;
    const kept = this.layout.width + 1;
    let hash = FNV_OFFSET;
    let field = 1;
    let quoted = false;
    for (let i = start; i < end; i++) {
      const byte = buffer[i]!;
      if (quoted) {
        if (byte === escapeByte && i + 1 < end && buffer[i + 1] === quoteByte) {
          hash = Math.imul(hash ^ quoteByte, FNV_PRIME);
          i++;
        } else if (byte === quoteByte) quoted = false;
        else hash = Math.imul(hash ^ byte, FNV_PRIME);
      } else if (byte === quoteByte) quoted = true;
      else if (byte === delimiterByte) {
        if (field++ === kept) break;
        hash = Math.imul(hash ^ SEPARATOR_MARK, FNV_PRIME);
      } else if (byte === LF || byte === CR) break;
      else hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
    return hash;
  }

  private parse(buffer: Buffer, start: number, end: number): string[] {
    const { delimiter, quote, escapeChar } = this.layout;
    return parseRecord(buffer.toString('utf8', start, end), delimiter, quote, escapeChar);
  }
}

function padded(fields: string[], width: number): Array<string | null> {
  const values: Array<string | null> = fields.slice(0, width);
  while (values.length < width) values.push(null);
  return values;
}

/** Bits of the filter of first values: 8 Mi (1 MiB), so that even the capture's most rows leave most bits clear. */
const FILTER_BITS = 1 << 23;
/** A hash's bit in the filter: its low 23 bits, whatever its sign. */
const FILTER_MASK = FILTER_BITS - 1;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Mixed in between two fields' bytes in a content hash: no byte has this value. */
const SEPARATOR_MARK = 0x100;
/** When records start being told apart by their content (Numbering.take): past this many candidates… */
const CONTENT_AFTER_CANDIDATES = 1024;
/** …if more than one record in this many was one. */
const CONTENT_SHARE = 8;

/** FNV-1a over bytes, on from `hash`: the key of the filters (a signed 32-bit integer, which V8 keeps unboxed). */
function hashBytes(bytes: Uint8Array, hash = FNV_OFFSET): number {
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME);
  return hash;
}

/** A row's content hash (see Numbering's contentHash): its values up to the first null, the padding of a short row. */
function contentHash(row: RowValues): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < row.length && row[i] !== null; i++) {
    if (i > 0) hash = Math.imul(hash ^ SEPARATOR_MARK, FNV_PRIME);
    hash = hashBytes(Buffer.from(row[i]!, 'utf8'), hash);
  }
  return hash;
}

/** A filter of 32-bit hashes: false when a hash is none of those added. */
class HashFilter {
  private readonly bits = new Uint32Array(FILTER_BITS / 32);

  add(hash: number): void {
    const bit = hash & FILTER_MASK;
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  mayHave(hash: number): boolean {
    const bit = hash & FILTER_MASK;
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

/** The rows to number, as a multiset (by first value, then by all values), and filters of their hashes. */
class WantedRows {
  private readonly byFirst = new Map<string, Map<string, { left: number }>>();
  private readonly firsts = new HashFilter();
  /** Made when first asked for: most files never need it. */
  private contents: HashFilter | null = null;

  constructor(private readonly rows: readonly RowValues[]) {
    for (const row of rows) {
      const first = row[0] ?? '';
      let same = this.byFirst.get(first);
      if (!same) {
        this.byFirst.set(first, (same = new Map()));
        this.firsts.add(hashBytes(Buffer.from(first, 'utf8')));
      }
      const key = JSON.stringify(row);
      const entry = same.get(key);
      if (entry) entry.left++;
      else same.set(key, { left: 1 });
    }
  }

  /** Whether a wanted row may have a first value of this hash (false: none has). */
  mayHaveFirst(hash: number): boolean {
    return this.firsts.mayHave(hash);
  }

  /** Whether a wanted row may have values of this content hash (false: none has). */
  mayHaveContent(hash: number): boolean {
    if (!this.contents) {
      this.contents = new HashFilter();
      for (const row of this.rows) this.contents.add(contentHash(row));
    }
    return this.contents.mayHave(hash);
  }

  hasFirst(first: string): boolean {
    return this.byFirst.has(first);
  }

  /** Counts a row read with these values: 'none' if no wanted row has them, 'exhausted' if each one was found already. */
  take(values: RowValues): RowValues | 'none' | 'exhausted' {
    const entry = this.byFirst.get(values[0] ?? '')?.get(JSON.stringify(values));
    if (!entry) return 'none';
    if (entry.left === 0) return 'exhausted';
    entry.left--;
    return values;
  }

  allFound(): boolean {
    for (const same of this.byFirst.values()) for (const entry of same.values()) if (entry.left > 0) return false;
    return true;
  }
}

const positionOrNone = (at: number) => (at < 0 ? Number.POSITIVE_INFINITY : at);

/**
 * Line ends, by one native search per line. DuckDB skips empty lines, as Numbering does, so each record is at least
 * one non-empty line, and a record with a line break inside quotes is at least two (the opening quote comes before
 * the break, the closing one after it). The count of non-empty lines is then DuckDB's count of records only when
 * every line is one record, which Numbering.result checks. Another record end would break that reckoning: a CR
 * that no LF follows, where DuckDB ends a record too, refuses the file.
 */
class LineEnds implements RecordEnds {
  refused = false;
  private buffer: Buffer | null = null;
  /** The next CR at or after the last search's start (infinity: none in this buffer). */
  private crAt = -1;

  next(buffer: Buffer, from: number): number {
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.crAt = -1;
    }
    if (this.crAt < from) this.crAt = positionOrNone(buffer.indexOf(CR, from));
    const newline = buffer.indexOf(LF, from);
    // A CR in the buffer's last byte may have its LF in the next read, which begins with this record again.
    if (newline < 0) {
      if (this.crAt < buffer.length - 1) this.refused = true;
      return -1;
    }
    if (this.crAt < newline - 1) {
      this.refused = true;
      return -1;
    }
    return newline + 1;
  }
}

/**
 * Record ends of a delimited file read in order (quoting carried from one call to the next): the index just past the
 * next "\n" outside quotes, or -1 when the buffer ends first. Quoting follows the rules the reader is given
 * (first-record.ts, record-cutter.ts): a quote opens or closes quoting, and inside quotes a distinct escape byte takes
 * the next byte literally. The searches are native; the next quote's position is remembered per buffer, so that a
 * buffer with no quote is searched for one once, not once per record.
 */
class RecordSplitter implements RecordEnds {
  readonly refused = false;
  private quoted = false;
  private escaped = false;
  private buffer: Buffer | null = null;
  private quoteAt = -1;

  constructor(
    private readonly quoteByte: number,
    private readonly escapeByte: number,
  ) {}

  next(buffer: Buffer, from: number): number {
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.quoteAt = -1;
    }
    let i = from;
    while (i < buffer.length) {
      if (this.quoted && this.escapeByte !== this.quoteByte) {
        i = this.closeEscaped(buffer, i);
        continue;
      }
      if (this.quoted) {
        const close = buffer.indexOf(this.quoteByte, i);
        if (close < 0) return -1;
        this.quoted = false;
        i = close + 1;
        continue;
      }
      if (this.quoteAt < i) this.quoteAt = positionOrNone(buffer.indexOf(this.quoteByte, i));
      const newline = buffer.indexOf(LF, i);
      if (newline >= 0 && newline < this.quoteAt) return newline + 1;
      if (this.quoteAt >= buffer.length) return -1;
      this.quoted = true;
      i = this.quoteAt + 1;
    }
    return -1;
  }

  /** Inside quotes with a distinct escape byte: the index past the closing quote, or the buffer's end. */
  private closeEscaped(buffer: Buffer, from: number): number {
    for (let i = from; i < buffer.length; i++) {
      const byte = buffer[i]!;
      if (this.escaped) this.escaped = false;
      else if (byte === this.escapeByte) this.escaped = true;
      else if (byte === this.quoteByte) {
        this.quoted = false;
        return i + 1;
      }
    }
    return buffer.length;
  }
}
