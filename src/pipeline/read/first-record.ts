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
  let text: string;
  let whole: boolean;
  try {
    // One byte more than allowed tells a record of exactly maxBytes from a longer one.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, (await handle.stat()).size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) return null;
    whole = bytesRead <= maxBytes;
    text = buffer.subarray(0, bytesRead).toString(encoding);
  } finally {
    await handle.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  let ended = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === escapeChar && text[i + 1] === quote) {
        current += quote;
        i++;
      } else if (ch === quote) quoted = false;
      else current += ch;
    } else if (ch === quote) quoted = true;
    else if (ch === delimiter) {
      fields.push(current);
      current = '';
    } else if (ch === '\n' || ch === '\r') {
      ended = true;
      break;
    } else current += ch;
  }
  if (!ended && !whole)
    throw new FileFailure(FileCode.recordTooLarge, `the first line is longer than ${maxBytes} bytes, the most one record may take`);
  fields.push(current);
  return fields;
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
