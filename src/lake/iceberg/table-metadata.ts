import { randomUUID } from 'node:crypto';
import { FIRST_PARTITION_FIELD_ID, type PartitionField, type PartitionSpec } from './partitioning.js';
import { nameMapping, sameStruct, type IcebergSchema, type IcebergStruct } from './schema.js';

/**
 * Iceberg table metadata, format version 2 (spec: "Table Metadata"), and the pure steps that make the next
 * version of it: a new schema, a new snapshot. Writing the files and moving the table's pointer is the
 * committer's job; nothing here does any I/O.
 */

/** The operations of a snapshot's summary. */
export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

export interface Snapshot {
  'snapshot-id': number;
  'parent-snapshot-id'?: number;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: { operation: SnapshotOperation } & Record<string, string>;
  'schema-id': number;
}

export interface TableMetadata {
  'format-version': 2;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: IcebergSchema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  'current-snapshot-id': number;
  snapshots: Snapshot[];
  'snapshot-log': Array<{ 'snapshot-id': number; 'timestamp-ms': number }>;
  'metadata-log': Array<{ 'metadata-file': string; 'timestamp-ms': number }>;
  'sort-orders': Array<{ 'order-id': number; fields: unknown[] }>;
  'default-sort-order-id': number;
  refs: Record<string, SnapshotRef>;
}

/** A branch or tag; the optional limits override the table's expiry properties for it (spec: "Snapshot References"). */
export interface SnapshotRef {
  'snapshot-id': number;
  type: 'branch' | 'tag';
  'min-snapshots-to-keep'?: number;
  'max-snapshot-age-ms'?: number;
  'max-ref-age-ms'?: number;
}

/** The table properties of history upkeep, named as Iceberg names them. */
export const TABLE_PROPERTY = {
  maxSnapshotAgeMs: 'history.expire.max-snapshot-age-ms',
  minSnapshotsToKeep: 'history.expire.min-snapshots-to-keep',
  maxRefAgeMs: 'history.expire.max-ref-age-ms',
  previousVersionsMax: 'write.metadata.previous-versions-max',
  deleteAfterCommit: 'write.metadata.delete-after-commit.enabled',
} as const;

/** Iceberg's default for `write.metadata.previous-versions-max`. */
export const PREVIOUS_VERSIONS_MAX = 100;

/** A whole-number table property, or `fallback` when it is absent or not a whole number ≥ 0. */
export function integerProperty(metadata: TableMetadata, key: string, fallback: number): number {
  const raw = metadata.properties[key];
  const value = raw === undefined ? Number.NaN : Number(raw.trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

/** Whether old metadata files are deleted once a commit drops them from the log (Iceberg's default is false; here true). */
export function deletesOldMetadata(metadata: TableMetadata): boolean {
  return metadata.properties[TABLE_PROPERTY.deleteAfterCommit]?.trim().toLowerCase() !== 'false';
}

/** The metadata log of the version after `metadata`, which is stored at `previousFile` (null: a table's first version). */
export function nextMetadataLog(metadata: TableMetadata, previousFile: string | null): TableMetadata['metadata-log'] {
  const log = metadata['metadata-log'];
  return previousFile ? [...log, { 'metadata-file': previousFile, 'timestamp-ms': metadata['last-updated-ms'] }] : log;
}

/**
 * The log cut to `write.metadata.previous-versions-max` entries, newest kept; the metadata files that fell out
 * of it (to be deleted once the version that drops them is current, unless the table says otherwise).
 */
export function trimMetadataLog(metadata: TableMetadata): { metadata: TableMetadata; dropped: string[] } {
  const max = Math.max(1, integerProperty(metadata, TABLE_PROPERTY.previousVersionsMax, PREVIOUS_VERSIONS_MAX));
  const log = metadata['metadata-log'];
  if (log.length <= max) return { metadata, dropped: [] };
  const cut = log.length - max;
  return { metadata: { ...metadata, 'metadata-log': log.slice(cut) }, dropped: log.slice(0, cut).map((e) => e['metadata-file']) };
}

/** No current snapshot (a table with no data yet), as the spec writes it. */
export const NO_SNAPSHOT = -1;

/**
 * A new table: its first schema, its one partition spec (spec 0: unpartitioned, or the fields given), no snapshot.
 * Partition fields' ids start at 1000 (spec), so an unpartitioned table's last partition id is one below.
 * The Parquet codec property names what Tributary's files are written with (DuckDB's default, snappy).
 */
export function newTableMetadata(options: {
  location: string;
  struct: IcebergStruct;
  lastColumnId: number;
  nowMs: number;
  properties?: Record<string, string>;
  partitionFields?: PartitionField[];
}): TableMetadata {
  const schema: IcebergSchema = { ...options.struct, 'schema-id': 0 };
  const partitionFields = options.partitionFields ?? [];
  return {
    'format-version': 2,
    'table-uuid': randomUUID(),
    location: options.location,
    'last-sequence-number': 0,
    'last-updated-ms': options.nowMs,
    'last-column-id': options.lastColumnId,
    schemas: [schema],
    'current-schema-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: partitionFields }],
    'default-spec-id': 0,
    'last-partition-id': Math.max(FIRST_PARTITION_FIELD_ID - 1, ...partitionFields.map((f) => f['field-id'])),
    properties: {
      'write.format.default': 'parquet',
      'write.parquet.compression-codec': 'snappy',
      ...options.properties,
      'schema.name-mapping.default': JSON.stringify(nameMapping(options.struct)),
    },
    'current-snapshot-id': NO_SNAPSHOT,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': 0,
    refs: {},
  };
}

export function currentSchema(metadata: TableMetadata): IcebergSchema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  if (!schema) throw new Error(`table metadata has no schema ${metadata['current-schema-id']}`);
  return schema;
}

export function partitionSpec(metadata: TableMetadata, specId = metadata['default-spec-id']): PartitionSpec {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new Error(`table metadata has no partition spec ${specId}`);
  return spec;
}

export function currentSnapshot(metadata: TableMetadata): Snapshot | null {
  return metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']) ?? null;
}

/** The metadata with `struct` as its current schema: the same metadata when nothing changed, else a new schema version. */
export function withSchema(metadata: TableMetadata, struct: IcebergStruct, lastColumnId: number, nowMs: number): TableMetadata {
  const current = currentSchema(metadata);
  if (sameStruct(current, struct)) return metadata;
  const schemaId = Math.max(...metadata.schemas.map((s) => s['schema-id'])) + 1;
  return {
    ...metadata,
    'last-updated-ms': nowMs,
    'last-column-id': Math.max(metadata['last-column-id'], lastColumnId),
    schemas: [...metadata.schemas, { ...struct, 'schema-id': schemaId }],
    'current-schema-id': schemaId,
    properties: { ...metadata.properties, 'schema.name-mapping.default': JSON.stringify(nameMapping(struct)) },
  };
}

/** What a new snapshot changed, for its summary (the spec's optional counts, which engines show). */
export interface SnapshotChange {
  operation: SnapshotOperation;
  addedFiles: number;
  addedRecords: number;
  addedBytes: number;
  deletedFiles: number;
  deletedRecords: number;
  deletedBytes: number;
  /** Extra summary properties, e.g. the Catalog batch the snapshot is. */
  properties?: Record<string, string>;
}

/**
 * The metadata with a new current snapshot on the main branch: the next sequence number, the parent the current
 * snapshot, the totals carried on from the parent's summary, and the previous metadata file in the log.
 */
export function withSnapshot(
  metadata: TableMetadata,
  snapshot: { snapshotId: number; manifestList: string; nowMs: number; change: SnapshotChange; previousMetadataFile: string | null },
): TableMetadata {
  const parent = currentSnapshot(metadata);
  const sequenceNumber = metadata['last-sequence-number'] + 1;
  const total = (key: string) => Number(parent?.summary[key] ?? 0);
  const { change } = snapshot;
  const summary: Snapshot['summary'] = {
    operation: change.operation,
    ...change.properties,
    'added-data-files': String(change.addedFiles),
    'added-records': String(change.addedRecords),
    'added-files-size': String(change.addedBytes),
    'deleted-data-files': String(change.deletedFiles),
    'deleted-records': String(change.deletedRecords),
    'removed-files-size': String(change.deletedBytes),
    'total-data-files': String(total('total-data-files') + change.addedFiles - change.deletedFiles),
    'total-records': String(total('total-records') + change.addedRecords - change.deletedRecords),
    'total-files-size': String(total('total-files-size') + change.addedBytes - change.deletedBytes),
    'total-delete-files': '0',
    'total-position-deletes': '0',
    'total-equality-deletes': '0',
  };
  const next: Snapshot = {
    'snapshot-id': snapshot.snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': snapshot.nowMs,
    'manifest-list': snapshot.manifestList,
    summary,
    'schema-id': metadata['current-schema-id'],
  };
  return {
    ...metadata,
    'last-sequence-number': sequenceNumber,
    'last-updated-ms': snapshot.nowMs,
    'current-snapshot-id': snapshot.snapshotId,
    snapshots: [...metadata.snapshots, next],
    'snapshot-log': [...metadata['snapshot-log'], { 'snapshot-id': snapshot.snapshotId, 'timestamp-ms': snapshot.nowMs }],
    'metadata-log': nextMetadataLog(metadata, snapshot.previousMetadataFile),
    refs: { ...metadata.refs, main: { 'snapshot-id': snapshot.snapshotId, type: 'branch' } },
  };
}
