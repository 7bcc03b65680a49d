import type { Queryable } from '../../store/db.js';
import { commitChange, liveDataFiles, type Committed } from '../../lake/iceberg/commit.js';
import type { DataFile } from '../../lake/iceberg/manifests.js';
import { dayOfTimestampFields, type PartitionField } from '../../lake/iceberg/partitioning.js';
import { icebergStruct } from '../../lake/iceberg/schema.js';
import {
  currentSchema,
  deletesOldMetadata,
  newTableMetadata,
  partitionSpec,
  withSchema,
  type SnapshotOperation,
  type TableMetadata,
} from '../../lake/iceberg/table-metadata.js';
import type { LakeTable } from '../../lake/table-format.js';
import { isTimeSeries } from '../../pipeline/schema/time-series.js';
import { rootField } from '../../pipeline/schema/xdm-fields.js';
import { lockTable, movePointer, type IcebergTableRow } from './iceberg-tables.repo.js';

/**
 * How Catalog's state changes become snapshots of a dataset's Iceberg table. Each change runs inside the
 * transaction that changes Catalog's state (a batch lands, is reverted or replaced): the table's row is locked,
 * the change is written on the current metadata, and the pointer moves before the transaction commits — the way
 * Iceberg's JDBC catalog commits. A concurrent writer waits on the lock and builds on the newer base; one that finds
 * the pointer moved anyway (the table was created under it) starts again on the new base.
 */

/**
 * The partition fields a batch's files are written under: the table's default spec, or for the table the batch
 * creates, the day of `timestamp` when the schema is time-series. A table created around files that landed before
 * it existed (written without regard to days) is unpartitioned, and so is every table made before partitioning:
 * a spec never changes under a table's files.
 */
export function partitionFieldsFor(metadata: TableMetadata | null, schema: Record<string, unknown>, preTableFiles: boolean): PartitionField[] {
  if (metadata) return partitionSpec(metadata).fields;
  if (preTableFiles || !isTimeSeries(schema)) return [];
  return dayOfTimestampFields(icebergStruct(rootField(schema), undefined, 0).struct);
}

export interface DatasetTableChange {
  operation: SnapshotOperation;
  /** Data files to add, each with its partition when the table's spec has fields (see partitionFieldsFor). */
  add: DataFile[];
  /** Data file URIs to remove; those the table does not hold (landed before the table existed) are passed over. */
  remove: string[];
  /**
   * Every file of `remove` must be live in the current snapshot (compaction, whose rewrite ran outside the
   * transaction): when one is not, nothing is committed and `TableMovedOn` is thrown.
   */
  strict?: boolean;
  /** Summary properties: the batch the snapshot is. */
  properties: Record<string, string>;
  /**
   * The dataset's resolved XDM schema, when the change writes data: the table is created from it, and an additive
   * change of it becomes a new schema version. Without it, a change to a table that does not exist is nothing.
   */
  schema?: Record<string, unknown>;
  /**
   * Files that landed before the dataset became an Iceberg table: added with this change only when it is the one
   * that creates the table, so a dataset's first snapshot holds all its data.
   */
  existing?: DataFile[];
  /** The partition spec of the table this change creates, if it does (see partitionFieldsFor); unpartitioned if absent. */
  partitionFields?: PartitionField[];
}

/** A strict change found files it removes no longer live: another change (a REVERT, a compaction) took them first. */
export class TableMovedOn extends Error {
  constructor(readonly missing: string[]) {
    super(`the table no longer holds ${missing.length} of the files to remove, e.g. ${missing[0]}`);
  }
}

/** Attempts before a writer gives up on a table whose pointer keeps moving under it (never reached with the row lock). */
const ATTEMPTS = 5;

/** Writes `change` as the table's next snapshot and moves its pointer; the snapshot id, or null when nothing changed. */
export async function commitDatasetChange(
  tx: Queryable,
  table: LakeTable,
  datasetId: string,
  change: DatasetTableChange,
  nowMs = Date.now(),
): Promise<number | null> {
  const committed = await updateDatasetTable(tx, table, datasetId, async (row) => {
    if (!row && !change.schema) return null;
    const metadata = row ? evolved(row.metadata, change.schema, nowMs) : created(table, change.schema!, change.partitionFields ?? [], nowMs);
    const remove = change.remove.length ? await heldOf(table, metadata, change.remove) : new Set<string>();
    if (change.strict && remove.size < new Set(change.remove).size) throw new TableMovedOn(change.remove.filter((uri) => !remove.has(uri)));
    const add = row ? change.add : [...(change.existing ?? []), ...change.add];
    if (add.length === 0 && remove.size === 0) return null;
    return commitChange(
      table.files,
      { metadata, location: row?.metadataLocation ?? null },
      { operation: change.operation, add, remove, properties: change.properties },
      nowMs,
    );
  });
  return committed ? committed.metadata['current-snapshot-id'] : null;
}

/**
 * Every change of a dataset's table goes through here: the row is locked, `next` writes the next version on the
 * locked base (null: nothing to change), and the pointer moves in `tx`. Metadata files the new version's log no
 * longer lists are deleted once `tx` has committed (a rolled-back change leaves the current version's log whole).
 */
export async function updateDatasetTable(
  tx: Queryable,
  table: LakeTable,
  datasetId: string,
  next: (row: IcebergTableRow | null) => Promise<Committed | null>,
): Promise<Committed | null> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const row = await lockTable(tx, datasetId);
    const committed = await next(row);
    if (!committed) return null;
    if (await movePointer(tx, datasetId, row?.metadataLocation ?? null, committed)) {
      const dropped = deletesOldMetadata(committed.metadata) ? (committed.dropped ?? []) : [];
      if (dropped.length) {
        // A file already gone, or one a failure leaves behind, is the orphan removal's to find.
        const remove = () => Promise.all(dropped.map((uri) => table.files.delete(uri))).then(() => undefined);
        if (tx.afterCommit) tx.afterCommit(remove);
        else await remove();
      }
      return committed;
    }
  }
  throw new Error(`the Iceberg table of dataset ${datasetId} kept changing under ${ATTEMPTS} commits`);
}

function created(table: LakeTable, schema: Record<string, unknown>, partitionFields: PartitionField[], nowMs: number): TableMetadata {
  const { struct, lastColumnId } = icebergStruct(rootField(schema), undefined, 0);
  return newTableMetadata({ location: table.location, struct, lastColumnId, nowMs, partitionFields });
}

/** XDM's additive evolution as Iceberg schema evolution: fields keep their ids, new ones take the next. */
function evolved(metadata: TableMetadata, schema: Record<string, unknown> | undefined, nowMs: number): TableMetadata {
  if (!schema) return metadata;
  const { struct, lastColumnId } = icebergStruct(rootField(schema), currentSchema(metadata), metadata['last-column-id']);
  return withSchema(metadata, struct, lastColumnId, nowMs);
}

async function heldOf(table: LakeTable, metadata: TableMetadata, uris: string[]): Promise<Set<string>> {
  const live = new Set((await liveDataFiles(table.files, metadata)).map((f) => f.filePath));
  return new Set(uris.filter((uri) => live.has(uri)));
}
