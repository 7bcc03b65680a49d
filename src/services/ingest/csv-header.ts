import { open } from 'node:fs/promises';

/** How much of a file may hold its header line. */
const HEADER_BYTES = 256 * 1024;

/**
 * The column names on the first line of a delimited file (quotes honoured, a doubled or escaped quote kept),
 * or null when the file is empty. Batch Ingestion CSVs name their columns by XDM path ("person.name.firstName"),
 * so the names become the mapping of the file.
 */
export async function readCsvHeader(path: string, options: { delimiter?: string; quote?: string; escape?: string; latin1?: boolean } = {}): Promise<string[] | null> {
  const handle = await open(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    text = buffer.subarray(0, bytesRead).toString(options.latin1 ? 'latin1' : 'utf8');
  } finally {
    await handle.close();
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return null;
  const delimiter = options.delimiter ?? ',';
  const quote = options.quote ?? '"';
  const escape = options.escape ?? quote;
  const names: string[] = [];
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
      names.push(current.trim());
      current = '';
    } else if (ch === '\n' || ch === '\r') break;
    else current += ch;
  }
  names.push(current.trim());
  return names;
}
