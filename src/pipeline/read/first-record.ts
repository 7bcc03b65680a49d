import { open } from 'node:fs/promises';

/** The most a header line may take; a header longer than this is not a header. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * The fields of the first record of a delimited file, read here rather than by DuckDB because
 * the reader must know the column count before it asks DuckDB for the rows (see delimited.ts).
 * Follows the same quoting rules the DuckDB query is given.
 */
export async function readFirstRecord(
  path: string,
  delimiter: string,
  quote: string,
  escape: string,
  encoding: 'utf8' | 'latin1' = 'utf8',
): Promise<string[] | null> {
  const handle = await open(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) return null;
    text = buffer.subarray(0, bytesRead).toString(encoding);
  } finally {
    await handle.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === escape && text[i + 1] === quote) {
        current += quote;
        i++;
      } else if (ch === quote) quoted = false;
      else current += ch;
    } else if (ch === quote) quoted = true;
    else if (ch === delimiter) {
      fields.push(current);
      current = '';
    } else if (ch === '\n' || ch === '\r') {
      break;
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

/** Header names made usable as record keys: blanks get a position name, repeats a suffix. */
export function columnNames(header: string[] | null, count: number): string[] {
  const seen = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    let name = header?.[i]?.trim() || `_c${i}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name}_${n}`;
    names.push(name);
  }
  return names;
}
