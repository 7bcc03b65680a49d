import type { Queryable } from '../../store/db.js';

/** SQL for the files uploaded into import batches and the chunks of large files. */

export interface UploadRow {
  batch_id: string;
  name: string;
  large: boolean;
  complete: boolean;
  size: string | number;
  total_size: string | number | null;
}

export interface Upload {
  name: string;
  large: boolean;
  complete: boolean;
  size: number;
  /** The whole size a chunk announced, if any. */
  totalSize: number | null;
}

const toUpload = (r: UploadRow): Upload => ({
  name: r.name,
  large: r.large,
  complete: r.complete,
  size: Number(r.size),
  totalSize: r.total_size === null ? null : Number(r.total_size),
});

export async function findUpload(db: Queryable, batchId: string, name: string): Promise<Upload | null> {
  const rows = await db.query<UploadRow>('select * from import_files where batch_id = $1 and name = $2', [batchId, name]);
  return rows[0] ? toUpload(rows[0]) : null;
}

export async function listUploads(db: Queryable, batchId: string): Promise<Upload[]> {
  return (await db.query<UploadRow>('select * from import_files where batch_id = $1 order by name', [batchId])).map(toUpload);
}

/** A whole small file: inserted or replaced. Returns true when the file is new. */
export async function saveSmallUpload(db: Queryable, batchId: string, name: string, size: number): Promise<boolean> {
  const existed = await db.query('delete from import_files where batch_id = $1 and name = $2 returning name', [batchId, name]);
  await db.query('insert into import_files (batch_id, name, large, complete, size) values ($1, $2, false, true, $3)', [batchId, name, size]);
  return existed.length === 0;
}

/** INITIALIZE of a large file: starts it over (chunks of an earlier attempt go with the old row). */
export async function initLargeUpload(db: Queryable, batchId: string, name: string): Promise<void> {
  await db.query('delete from import_files where batch_id = $1 and name = $2', [batchId, name]);
  await db.query('insert into import_files (batch_id, name, large, complete, size) values ($1, $2, true, false, 0)', [batchId, name]);
}

export async function addChunk(db: Queryable, batchId: string, name: string, start: number, end: number, total?: number): Promise<void> {
  await db.query(`insert into import_file_chunks (batch_id, name, start_byte, end_byte) values ($1, $2, $3, $4) on conflict do nothing`, [
    batchId,
    name,
    start,
    end,
  ]);
  await db.query('update import_files set updated_at = now(), total_size = coalesce($3, total_size) where batch_id = $1 and name = $2', [
    batchId,
    name,
    total ?? null,
  ]);
}

export async function listChunks(db: Queryable, batchId: string, name: string): Promise<Array<{ start: number; end: number }>> {
  const rows = await db.query<{ start_byte: string | number; end_byte: string | number }>(
    'select start_byte, end_byte from import_file_chunks where batch_id = $1 and name = $2 order by start_byte, end_byte',
    [batchId, name],
  );
  return rows.map((r) => ({ start: Number(r.start_byte), end: Number(r.end_byte) }));
}

export async function markComplete(db: Queryable, batchId: string, name: string, size: number): Promise<boolean> {
  const rows = await db.query(
    'update import_files set complete = true, size = $3, updated_at = now() where batch_id = $1 and name = $2 and not complete returning name',
    [batchId, name, size],
  );
  return rows.length > 0;
}

/** Merges received chunks into ranges; `contiguous` is how many bytes from 0 have arrived without a gap. */
export function coverage(chunks: Array<{ start: number; end: number }>): { ranges: Array<{ start: number; end: number }>; contiguous: number } {
  const ranges: Array<{ start: number; end: number }> = [];
  for (const chunk of [...chunks].sort((a, b) => a.start - b.start)) {
    const last = ranges[ranges.length - 1];
    if (last && chunk.start <= last.end + 1) last.end = Math.max(last.end, chunk.end);
    else ranges.push({ ...chunk });
  }
  const contiguous = ranges[0]?.start === 0 ? ranges[0].end + 1 : 0;
  return { ranges, contiguous };
}
