import { open } from 'node:fs/promises';
import { parquetMetadata } from 'hyparquet';
import { LakeError } from './errors.js';

/** Parquet files end with the footer's length (4 bytes, little endian) and the magic "PAR1". */
const TAIL = 8;

/**
 * The row count a Parquet file's footer records, read from the footer alone (Iceberg manifests carry each data
 * file's record count). hyparquet parses the footer's Thrift; only the file's last bytes are read.
 */
export async function parquetRowCount(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < TAIL + 4) throw new LakeError('bad_name', `not a Parquet file: ${path}`);
    const tail = Buffer.alloc(TAIL);
    await handle.read(tail, 0, TAIL, size - TAIL);
    if (tail.toString('latin1', 4) !== 'PAR1') throw new LakeError('bad_name', `not a Parquet file: ${path}`);
    const footerLength = tail.readUInt32LE(0);
    if (footerLength + TAIL > size) throw new LakeError('bad_name', `a Parquet footer longer than its file: ${path}`);
    const footer = Buffer.alloc(footerLength + TAIL);
    await handle.read(footer, 0, footer.length, size - footer.length);
    return Number(parquetMetadata(new Uint8Array(footer.buffer, footer.byteOffset, footer.byteLength)).num_rows);
  } finally {
    await handle.close();
  }
}
