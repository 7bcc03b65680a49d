import { open } from 'node:fs/promises';
import type { SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';

/** Leading bytes of formats that are often sent where text was declared. */
const SIGNATURES: Array<{ name: string; bytes: number[] }> = [
  { name: 'gzip-compressed data', bytes: [0x1f, 0x8b] },
  { name: 'a zip archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'bzip2-compressed data', bytes: [0x42, 0x5a, 0x68] },
  { name: 'zstd-compressed data', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'a Parquet file', bytes: [0x50, 0x41, 0x52, 0x31] },
];

/**
 * Refuses a text (delimited or JSON) part whose first bytes say it is something else: compressed data read
 * as text would otherwise become garbage rows or a parser error that names no cause.
 */
export async function checkIsText(path: string, label: string, format: SourceFormat): Promise<void> {
  if (format.format === 'parquet') return;
  const head = Buffer.alloc(8);
  const handle = await open(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const found = SIGNATURES.find((s) => read >= s.bytes.length && s.bytes.every((b, i) => head[i] === b));
  if (!found) return;
  const kind = format.format === 'json' ? 'JSON' : 'delimited';
  throw new FileFailure(
    FileCode.unparsable,
    `${label} is ${found.name}, not ${kind} text: send it decompressed, or declare its compression (compressionType) where the source allows it`,
  );
}
