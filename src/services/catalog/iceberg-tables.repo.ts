import type { Queryable } from '../../store/db.js';
import type { TableMetadata } from '../../lake/iceberg/table-metadata.js';

/** A dataset's Iceberg table as the store keeps it: the current metadata file and its content. */
export interface IcebergTableRow {
  metadataLocation: string;
  metadata: TableMetadata;
}

/**
 * The table's pointer, locked for the rest of the transaction: the writer that holds it makes the next snapshot
 * on this base, and a concurrent writer waits for it and then builds on the newer one.
 */
export async function lockTable(tx: Queryable, datasetId: string): Promise<IcebergTableRow | null> {
  const row = (
    await tx.query<{ metadata_location: string; metadata: TableMetadata }>(
      'select metadata_location, metadata from iceberg_tables where dataset_id = $1 for update',
      [datasetId],
    )
  )[0];
  return row ? { metadataLocation: row.metadata_location, metadata: row.metadata } : null;
}

export async function readTable(db: Queryable, datasetId: string): Promise<IcebergTableRow | null> {
  const row = (
    await db.query<{ metadata_location: string; metadata: TableMetadata }>(
      'select metadata_location, metadata from iceberg_tables where dataset_id = $1',
      [datasetId],
    )
  )[0];
  return row ? { metadataLocation: row.metadata_location, metadata: row.metadata } : null;
}

/**
 * Moves the pointer from `from` (null: the table is new) to a new metadata file; false when another writer moved
 * it first, and then nothing changed.
 */
export async function movePointer(tx: Queryable, datasetId: string, from: string | null, to: IcebergTableRow): Promise<boolean> {
  const metadata = JSON.stringify(to.metadata);
  const rows =
    from === null
      ? await tx.query(
          `insert into iceberg_tables (dataset_id, metadata_location, metadata) values ($1, $2, $3::jsonb)
           on conflict (dataset_id) do nothing returning dataset_id`,
          [datasetId, to.metadataLocation, metadata],
        )
      : await tx.query(
          `update iceberg_tables set metadata_location = $2, metadata = $3::jsonb, updated_at = now()
           where dataset_id = $1 and metadata_location = $4 returning dataset_id`,
          [datasetId, to.metadataLocation, metadata, from],
        );
  return rows.length === 1;
}
