import { randomInt, randomUUID } from 'node:crypto';
import {
  decodeManifest,
  decodeManifestList,
  EntryStatus,
  encodeManifest,
  encodeManifestList,
  manifestPartitions,
  type DataFile,
  type ManifestEntry,
  type ManifestFile,
} from './manifests.js';
import { partitionFor } from './partitioning.js';
import {
  currentSchema,
  currentSnapshot,
  partitionSpec,
  trimMetadataLog,
  withSnapshot,
  type SnapshotOperation,
  type TableMetadata,
} from './table-metadata.js';

/**
 * One change to an Iceberg table, written as the spec asks: new manifests for what it adds and removes, a manifest
 * list for the new snapshot, and the next metadata file. Nothing becomes current here: the caller moves the
 * table's pointer to the returned metadata file atomically (in the store, in the transaction that records the
 * batch), and a writer that lost a race makes the change again on the new base.
 */

/** A file found under a table's root, for the upkeep that removes what no snapshot or batch needs. */
export interface StoredTableFile {
  uri: string;
  size: number;
  /** When it was last written (ms since the epoch): files younger than a safety age may belong to a commit in progress. */
  modifiedMs: number;
}

/** Where a table's files go: locations are absolute URIs (file:// or s3://), the form manifests record. */
export interface TableFiles {
  /** Writes a file under the table's location (`relative`, e.g. "metadata/snap-1.avro"); answers its URI. */
  write(relative: string, bytes: Buffer): Promise<string>;
  /** A file's bytes; a LakeError `not_found` when there is none. */
  read(uri: string): Promise<Buffer>;
  /** Every file under the table's root (data and metadata), whatever references it. */
  list(): Promise<StoredTableFile[]>;
  /** Deletes one file of the table; one already gone is not an error (upkeep may be run again after a crash). */
  delete(uri: string): Promise<void>;
}

export interface TableChange {
  operation: SnapshotOperation;
  /** Data files the snapshot adds, each with its partition under the table's default spec when that has fields. */
  add: DataFile[];
  /** Live data files the snapshot removes (REVERT, replay, compaction), by location. */
  remove?: ReadonlySet<string>;
  /** Summary properties, e.g. the Catalog batch the snapshot is. */
  properties?: Record<string, string>;
}

export interface Committed {
  metadata: TableMetadata;
  metadataLocation: string;
  /**
   * Earlier metadata files this version's log no longer lists (`write.metadata.previous-versions-max`): to delete
   * once this version is current, never before (until then the current version's log still names them).
   */
  dropped?: string[];
}

/** Snapshot ids are random (the spec's choice, so concurrent writers do not collide) and kept to safe JSON integers. */
const newSnapshotId = () => randomInt(1, 2 ** 47);

export async function commitChange(
  files: TableFiles,
  base: { metadata: TableMetadata; location: string | null },
  change: TableChange,
  nowMs = Date.now(),
): Promise<Committed> {
  const { metadata } = base;
  const snapshotId = newSnapshotId();
  const sequenceNumber = metadata['last-sequence-number'] + 1;
  const schema = currentSchema(metadata);
  // Each manifest is written under one spec: a rewritten one keeps its own, the new one takes the table's default.
  const headerFor = (specId: number) => ({
    schemaJson: JSON.stringify(schema),
    schemaId: schema['schema-id'],
    partitionSpecId: specId,
    partitionFields: partitionSpec(metadata, specId).fields,
  });
  const parent = currentSnapshot(metadata);
  const inherited = parent ? await decodeManifestList(await files.read(parent['manifest-list'])) : [];

  const manifests: ManifestFile[] = [];
  const removed = { files: 0, records: 0, bytes: 0 };
  const wanted = change.remove ?? new Set<string>();
  const found = new Set<string>();
  for (const manifest of inherited) {
    // A manifest holding only deleted entries recorded its snapshot's removals; later snapshots leave it out.
    if (manifest.addedFilesCount + manifest.existingFilesCount === 0) continue;
    if (wanted.size === 0) {
      manifests.push(manifest);
      continue;
    }
    const entries = (await decodeManifest(await files.read(manifest.manifestPath))).filter((e) => e.status !== EntryStatus.deleted);
    if (!entries.some((e) => wanted.has(e.dataFile.filePath))) {
      manifests.push(manifest);
      continue;
    }
    // Rewritten: what stays is "existing" with its sequence numbers written out (spec: they must not change once
    // inherited), what goes is "deleted" by this snapshot.
    const rewritten: ManifestEntry[] = entries.map((e) => {
      const dataSequence = e.sequenceNumber ?? manifest.sequenceNumber;
      const fileSequence = e.fileSequenceNumber ?? manifest.sequenceNumber;
      const gone = wanted.has(e.dataFile.filePath);
      if (gone) {
        found.add(e.dataFile.filePath);
        removed.files += 1;
        removed.records += e.dataFile.recordCount;
        removed.bytes += e.dataFile.fileSizeInBytes;
      }
      return {
        status: gone ? EntryStatus.deleted : EntryStatus.existing,
        snapshotId: gone ? snapshotId : e.snapshotId,
        sequenceNumber: dataSequence,
        fileSequenceNumber: fileSequence,
        dataFile: e.dataFile,
      };
    });
    manifests.push(await writeManifest(files, rewritten, headerFor(manifest.partitionSpecId), snapshotId, sequenceNumber));
  }
  const missing = [...wanted].filter((path) => !found.has(path));
  if (missing.length) throw new Error(`cannot remove files the table does not hold: ${missing.slice(0, 3).join(', ')}`);

  if (change.add.length) {
    const header = headerFor(metadata['default-spec-id']);
    const fields = header.partitionFields;
    const added = change.add.map(({ partition, ...file }) => {
      const missing = fields.filter((f) => partition?.[f.name] === undefined);
      if (missing.length) throw new Error(`data file ${file.filePath} has no value for partition field ${missing[0]!.name}`);
      return {
        status: EntryStatus.added,
        snapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: fields.length ? { ...file, partition: partitionFor(fields, partition) } : file,
      };
    });
    // Newest first, as Iceberg's own writers order a manifest list.
    manifests.unshift(await writeManifest(files, added, header, snapshotId, sequenceNumber));
  }

  const manifestList = await files.write(
    `metadata/snap-${snapshotId}-1-${randomUUID()}.avro`,
    await encodeManifestList(manifests, { snapshotId, parentSnapshotId: parent?.['snapshot-id'] ?? null, sequenceNumber }),
  );
  const next = withSnapshot(metadata, {
    snapshotId,
    manifestList,
    nowMs,
    previousMetadataFile: base.location,
    change: {
      operation: change.operation,
      addedFiles: change.add.length,
      addedRecords: change.add.reduce((n, f) => n + f.recordCount, 0),
      addedBytes: change.add.reduce((n, f) => n + f.fileSizeInBytes, 0),
      deletedFiles: removed.files,
      deletedRecords: removed.records,
      deletedBytes: removed.bytes,
      ...(change.properties ? { properties: change.properties } : {}),
    },
  });
  return writeVersion(files, next, base.location);
}

/**
 * The next version of a table's metadata, written: its log cut to the table's limit first, and what fell out of
 * it reported, for the caller to delete once the new version is current.
 */
export async function writeVersion(files: TableFiles, metadata: TableMetadata, previous: string | null): Promise<Committed> {
  const { metadata: trimmed, dropped } = trimMetadataLog(metadata);
  return { metadata: trimmed, metadataLocation: await writeMetadata(files, trimmed, previous), dropped };
}

/**
 * A metadata file, named by its version: a table's first is 00000 (e.g. when its dataset is created), each later
 * one the version after the file it follows (the log is trimmed, so its length does not count versions).
 */
export function writeMetadata(files: TableFiles, metadata: TableMetadata, previous: string | null = null): Promise<string> {
  const before = previous === null ? null : /(\d+)-[^/]*\.metadata\.json$/.exec(previous);
  const version = before ? Number(before[1]) + 1 : metadata['metadata-log'].length;
  return files.write(`metadata/${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`, Buffer.from(JSON.stringify(metadata)));
}

/** The live data files of the current snapshot, as readers plan a scan: what the table holds. */
export async function liveDataFiles(files: TableFiles, metadata: TableMetadata): Promise<DataFile[]> {
  const snapshot = currentSnapshot(metadata);
  if (!snapshot) return [];
  const live: DataFile[] = [];
  for (const manifest of await decodeManifestList(await files.read(snapshot['manifest-list']))) {
    for (const entry of await decodeManifest(await files.read(manifest.manifestPath)))
      if (entry.status !== EntryStatus.deleted) live.push(entry.dataFile);
  }
  return live;
}

async function writeManifest(
  files: TableFiles,
  entries: ManifestEntry[],
  header: Parameters<typeof encodeManifest>[1],
  snapshotId: number,
  sequenceNumber: number,
): Promise<ManifestFile> {
  const bytes = await encodeManifest(entries, header);
  const manifestPath = await files.write(`metadata/${randomUUID()}-m0.avro`, bytes);
  const count = (status: EntryStatus) => entries.filter((e) => e.status === status);
  const rows = (list: ManifestEntry[]) => list.reduce((n, e) => n + e.dataFile.recordCount, 0);
  const live = entries.filter((e) => e.status !== EntryStatus.deleted).map((e) => e.sequenceNumber ?? sequenceNumber);
  return {
    manifestPath,
    manifestLength: bytes.length,
    partitionSpecId: header.partitionSpecId,
    sequenceNumber,
    minSequenceNumber: live.length ? Math.min(...live) : sequenceNumber,
    addedSnapshotId: snapshotId,
    addedFilesCount: count(EntryStatus.added).length,
    existingFilesCount: count(EntryStatus.existing).length,
    deletedFilesCount: count(EntryStatus.deleted).length,
    addedRowsCount: rows(count(EntryStatus.added)),
    existingRowsCount: rows(count(EntryStatus.existing)),
    deletedRowsCount: rows(count(EntryStatus.deleted)),
    partitions: manifestPartitions(header.partitionFields, entries),
  };
}
