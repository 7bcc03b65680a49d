import { parquetReadObjects } from 'hyparquet';

/** The rows of a Parquet file, as objects (structs nested). Loaded on demand: only dataset previews need it. */
export async function readParquetRows(bytes: ArrayBuffer, limit: number): Promise<Array<Record<string, unknown>>> {
  return (await parquetReadObjects({ file: bytes, rowEnd: limit })) as Array<Record<string, unknown>>;
}
