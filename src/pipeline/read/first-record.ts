import { open } from 'node:fs/promises';
import { FileCode, FileFailure } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES } from './limits.js';

/**
 * The fields of the first record of a delimited file, read here rather than by DuckDB because
 * the reader must know the column count before it asks DuckDB for the rows (see delimited.ts).
 * Follows the same quoting rules the DuckDB query is given. A first record that does not end within
 * `maxBytes` fails the file: cut short, it would pass for a header of fewer columns and hide every row.
 */
export async function readFirstRecord(
  path: string,
  delimiter: string,
  quote: string,
  escapeChar: string,
  encoding: 'utf8' | 'latin1' = 'utf8',
  maxBytes = DEFAULT_MAX_RECORD_BYTES,
): Promise<string[] | null> {
  const handle = await open(path, 'r');
  try {
    // One byte more than allowed tells a record of exactly maxBytes from a longer one.
    const limit = Math.min(maxBytes + 1, (await handle.stat()).size);
    // A header is short: a small head of the file is read first, and a larger one only while no record end is in it
    // (reading and decoding the whole allowance for every file cost more than the header's parsing).
    for (let size = Math.min(FIRST_READ_BYTES, limit); ; size = Math.min(size * 8, limit)) {
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, size, 0);
      if (bytesRead === 0) return null;
      // A head cut inside a character decodes it wrong, but only after the record end that makes the head enough.
      const { fields, ended } = firstRecord(buffer.subarray(0, bytesRead).toString(encoding), delimiter, quote, escapeChar);
      if (ended) return fields;
      if (bytesRead < size || size >= limit) {
        if (bytesRead > maxBytes)
          throw new FileFailure(FileCode.recordTooLarge, `the first line is longer than ${maxBytes} bytes, the most one record may take`);
        return fields;
      }
    }
  } finally {
    await handle.close();
  }
}

/** How much of a file is read first for its first record. */
const FIRST_READ_BYTES = 64 * 1024;

/** The fields of one record's text, its line break removed, by the same rules (see delimited-row-numbers.ts). */
export function parseRecord(text: string, delimiter: string, quote: string, escapeChar: string): string[] {
  return firstRecord(text, delimiter, quote, escapeChar).fields;
}

/**
 * The fields of the first record of `text`; `ended`: a line break ended it (else the text ran out first). A field is
 * sliced from the text between its quotes and separators: adding it up one character at a time made a string per
 * character, which was most of what numbering a file's flagged rows allocated.
 */
function firstRecord(text: string, delimiter: string, quote: string, escapeChar: string): { fields: string[]; ended: boolean } {
  const fields: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  /** The field's text up to `from`, where quoting began or ended. */
  let current = '';
  let from = i;
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === escapeChar && text[i + 1] === quote) {
        current += text.slice(from, i) + quote;
        from = ++i + 1;
      } else if (ch === quote) {
        current += text.slice(from, i);
        quoted = false;
        from = i + 1;
      }
    } else if (ch === quote) {
      current += text.slice(from, i);
      quoted = true;
      from = i + 1;
    } else if (ch === delimiter) {
      fields.push(current + text.slice(from, i));
      current = '';
      from = i + 1;
    } else if (ch === '\n' || ch === '\r') {
      fields.push(current + text.slice(from, i));
      return { fields, ended: true };
    }
  }
  fields.push(current + text.slice(from));
  return { fields, ended: false };
}

/** Header names made usable as record keys: blanks get a position name, repeats a suffix. */
export function columnNames(header: string[] | null, count: number): string[] {
  const used = new Set<string>();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = header?.[i]?.trim() || `_c${i}`;
    // The first free suffix: a repeat's name may itself be another header ("a", "a", "a_1").
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    names.push(name);
  }
  return names;
}
