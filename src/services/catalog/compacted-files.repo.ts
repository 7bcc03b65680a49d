import type { Queryable } from '../../store/db.js';
import type { DataFile } from '../../lake/iceberg/manifests.js';

/** An original data file of a batch that a compacted file replaced, as its manifest entry recorded it. */
export interface CompactionSource extends DataFile {
  batchId: string;
}

/** A compacted data file of a dataset's table: the batches it holds and the originals it replaced. */
export interface CompactedFile {
  fileUri: string;
  batchIds: string[];
  sources: CompactionSource[];
}

interface Row {
  file_uri: string;
  batch_ids: string[];
  sources: CompactionSource[];
}

const toFile = (row: Row): CompactedFile => ({ fileUri: row.file_uri, batchIds: row.batch_ids, sources: row.sources });

export async function insertCompactedFiles(tx: Queryable, datasetId: string, files: CompactedFile[]): Promise<void> {
  for (const file of files)
    await tx.query('insert into compacted_files (dataset_id, file_uri, batch_ids, sources) values ($1, $2, $3::text[], $4::jsonb)', [
      datasetId,
      file.fileUri,
      file.batchIds,
      JSON.stringify(file.sources),
    ]);
}

export async function deleteCompactedFiles(tx: Queryable, datasetId: string, uris: string[]): Promise<void> {
  if (uris.length === 0) return;
  await tx.query('delete from compacted_files where dataset_id = $1 and file_uri = any($2::text[])', [datasetId, uris]);
}

/** The compacted files of a dataset among `uris`. */
export async function selectCompactedFiles(db: Queryable, datasetId: string, uris: string[]): Promise<CompactedFile[]> {
  if (uris.length === 0) return [];
  const rows = await db.query<Row>('select file_uri, batch_ids, sources from compacted_files where dataset_id = $1 and file_uri = any($2::text[])', [
    datasetId,
    uris,
  ]);
  return rows.map(toFile);
}

/** The compacted files of a dataset holding any of `batchIds`. */
export async function selectCompactedHolding(db: Queryable, datasetId: string, batchIds: string[]): Promise<CompactedFile[]> {
  if (batchIds.length === 0) return [];
  const rows = await db.query<Row>(
    'select file_uri, batch_ids, sources from compacted_files where dataset_id = $1 and batch_ids && $2::text[] order by file_uri',
    [datasetId, batchIds],
  );
  return rows.map(toFile);
}

/** Takes the dataset's compaction lease for `ms` unless another holder has one that has not expired; true when taken. */
export async function takeCompactionLease(db: Queryable, datasetId: string, holder: string, ms: number): Promise<boolean> {
  const rows = await db.query(
    `insert into table_compaction_leases (dataset_id, holder, expires_at)
     values ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     on conflict (dataset_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where table_compaction_leases.expires_at < now() or table_compaction_leases.holder = excluded.holder
     returning dataset_id`,
    [datasetId, holder, ms],
  );
  return rows.length === 1;
}

export async function releaseCompactionLease(db: Queryable, datasetId: string, holder: string): Promise<void> {
  await db.query('delete from table_compaction_leases where dataset_id = $1 and holder = $2', [datasetId, holder]);
}
