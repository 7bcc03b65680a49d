import { PassThrough } from 'node:stream';
import avro from 'avsc';
import {
  partitionFor,
  partitionSummaries,
  partitionValueAvroType,
  type FieldSummary,
  type PartitionField,
  type PartitionValues,
} from './partitioning.js';

/**
 * Iceberg's Avro metadata files (spec: "Manifests" and "Manifest Lists", format version 2), written and read
 * with avsc. Each Avro field carries its Iceberg `field-id`, which readers resolve fields by. A manifest holds the
 * files of one partition spec: its entries' `partition` struct has that spec's fields (none when unpartitioned),
 * and its line in the manifest list summarises their values. The optional column metrics are left out.
 */

/** `status` of a manifest entry. */
export const EntryStatus = { existing: 0, added: 1, deleted: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

export interface DataFile {
  /** Absolute location (file:// or s3://), as readers open it. */
  filePath: string;
  recordCount: number;
  fileSizeInBytes: number;
  /** The file's partition tuple under its manifest's spec, by field name (absent: unpartitioned). */
  partition?: PartitionValues;
}

export interface ManifestEntry {
  status: EntryStatus;
  snapshotId: number;
  /** Data sequence number; null for an entry added by the manifest's own snapshot, which inherits it. */
  sequenceNumber: number | null;
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

/** One line of a manifest list. */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: number;
  partitionSpecId: number;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: number;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  /** Per partition field of the manifest's spec: null seen, lower and upper bound (empty when unpartitioned). */
  partitions: FieldSummary[];
}

const optional = (type: unknown) => ['null', type];

/** A manifest entry's Avro schema: its `partition` record (field id 102) has one field per spec field, ids as the spec's. */
const manifestEntrySchema = (fields: readonly PartitionField[]) => ({
  type: 'record',
  name: 'manifest_entry',
  fields: [
    { name: 'status', type: 'int', 'field-id': 0 },
    { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
    { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
    { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
    {
      name: 'data_file',
      'field-id': 2,
      type: {
        type: 'record',
        name: 'r2',
        fields: [
          { name: 'content', type: 'int', 'field-id': 134 },
          { name: 'file_path', type: 'string', 'field-id': 100 },
          { name: 'file_format', type: 'string', 'field-id': 101 },
          {
            name: 'partition',
            type: {
              type: 'record',
              name: 'r102',
              fields: fields.map((f) => ({ name: f.name, type: partitionValueAvroType(f), default: null, 'field-id': f['field-id'] })),
            },
            'field-id': 102,
          },
          { name: 'record_count', type: 'long', 'field-id': 103 },
          { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 131 },
          { name: 'split_offsets', type: optional({ type: 'array', items: 'long', 'element-id': 133 }), default: null, 'field-id': 132 },
          { name: 'sort_order_id', type: optional('int'), default: null, 'field-id': 140 },
        ],
      },
    },
  ],
});

const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    {
      name: 'partitions',
      type: optional({
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            { name: 'contains_nan', type: optional('boolean'), default: null, 'field-id': 518 },
            { name: 'lower_bound', type: optional('bytes'), default: null, 'field-id': 510 },
            { name: 'upper_bound', type: optional('bytes'), default: null, 'field-id': 511 },
          ],
        },
      }),
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: optional('bytes'), default: null, 'field-id': 519 },
  ],
};

/** Entry types by spec fields: a table has one or two specs, each compiled once. */
const entryTypes = new Map<string, { schema: object; type: avro.Type }>();
function entryTypeFor(fields: readonly PartitionField[]): { schema: object; type: avro.Type } {
  const key = JSON.stringify(fields);
  let found = entryTypes.get(key);
  if (!found) {
    const schema = manifestEntrySchema(fields);
    found = { schema, type: avro.Type.forSchema(schema as avro.Schema) };
    entryTypes.set(key, found);
  }
  return found;
}
const manifestFileType = avro.Type.forSchema(MANIFEST_FILE_SCHEMA as avro.Schema);

/** What a manifest's header says about the table it belongs to (the spec's required key-value metadata). */
export interface ManifestHeader {
  schemaJson: string;
  schemaId: number;
  partitionSpecId: number;
  /** The fields of that spec, which each entry's partition follows. */
  partitionFields: readonly PartitionField[];
}

/** A manifest of data files: one Avro container file. */
export function encodeManifest(entries: ManifestEntry[], header: ManifestHeader): Promise<Buffer> {
  const { schema, type } = entryTypeFor(header.partitionFields);
  return encode(
    type,
    schema,
    entries.map((e) => ({
      status: e.status,
      snapshot_id: e.snapshotId,
      sequence_number: e.sequenceNumber,
      file_sequence_number: e.fileSequenceNumber,
      data_file: {
        content: 0,
        file_path: e.dataFile.filePath,
        file_format: 'PARQUET',
        partition: partitionFor(header.partitionFields, e.dataFile.partition),
        record_count: e.dataFile.recordCount,
        file_size_in_bytes: e.dataFile.fileSizeInBytes,
        key_metadata: null,
        split_offsets: null,
        sort_order_id: null,
      },
    })),
    {
      schema: header.schemaJson,
      'schema-id': String(header.schemaId),
      'partition-spec': JSON.stringify(header.partitionFields),
      'partition-spec-id': String(header.partitionSpecId),
      'format-version': '2',
      content: 'data',
    },
  );
}

/** A snapshot's manifest list. */
export function encodeManifestList(
  manifests: ManifestFile[],
  snapshot: { snapshotId: number; parentSnapshotId: number | null; sequenceNumber: number },
): Promise<Buffer> {
  return encode(
    manifestFileType,
    MANIFEST_FILE_SCHEMA,
    manifests.map((m) => ({
      manifest_path: m.manifestPath,
      manifest_length: m.manifestLength,
      partition_spec_id: m.partitionSpecId,
      content: 0,
      sequence_number: m.sequenceNumber,
      min_sequence_number: m.minSequenceNumber,
      added_snapshot_id: m.addedSnapshotId,
      added_files_count: m.addedFilesCount,
      existing_files_count: m.existingFilesCount,
      deleted_files_count: m.deletedFilesCount,
      added_rows_count: m.addedRowsCount,
      existing_rows_count: m.existingRowsCount,
      deleted_rows_count: m.deletedRowsCount,
      partitions: m.partitions.map((p) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan,
        lower_bound: p.lowerBound,
        upper_bound: p.upperBound,
      })),
      key_metadata: null,
    })),
    {
      'snapshot-id': String(snapshot.snapshotId),
      'parent-snapshot-id': snapshot.parentSnapshotId === null ? 'null' : String(snapshot.parentSnapshotId),
      'sequence-number': String(snapshot.sequenceNumber),
      'format-version': '2',
    },
  );
}

/** The entries of a manifest, each with its sequence numbers as stored (null: inherited from the manifest). */
export async function decodeManifest(bytes: Buffer): Promise<ManifestEntry[]> {
  const records = await decode<{
    status: EntryStatus;
    snapshot_id: number | null;
    sequence_number: number | null;
    file_sequence_number: number | null;
    data_file: { file_path: string; record_count: number; file_size_in_bytes: number; partition?: PartitionValues };
  }>(bytes);
  return records.map((r) => {
    const partition = r.data_file.partition;
    return {
      status: r.status,
      snapshotId: r.snapshot_id ?? 0,
      sequenceNumber: r.sequence_number,
      fileSequenceNumber: r.file_sequence_number,
      dataFile: {
        filePath: r.data_file.file_path,
        recordCount: r.data_file.record_count,
        fileSizeInBytes: r.data_file.file_size_in_bytes,
        ...(partition && Object.keys(partition).length ? { partition: { ...partition } } : {}),
      },
    };
  });
}

/**
 * The `field_summary` list of a manifest's files under its spec, for its manifest list line: over every entry,
 * deleted ones too, as Iceberg's own writers count them (bounds may be wider than the live files, never narrower).
 */
export function manifestPartitions(fields: readonly PartitionField[], entries: ManifestEntry[]): FieldSummary[] {
  return partitionSummaries(
    fields,
    entries.map((e) => e.dataFile.partition),
  );
}

export async function decodeManifestList(bytes: Buffer): Promise<ManifestFile[]> {
  type Summary = { contains_null: boolean; contains_nan: boolean | null; lower_bound: Buffer | null; upper_bound: Buffer | null };
  const records = await decode<Record<string, number | string> & { partitions: Summary[] | null }>(bytes);
  return records.map((r) => ({
    manifestPath: String(r.manifest_path),
    manifestLength: Number(r.manifest_length),
    partitionSpecId: Number(r.partition_spec_id),
    sequenceNumber: Number(r.sequence_number),
    minSequenceNumber: Number(r.min_sequence_number),
    addedSnapshotId: Number(r.added_snapshot_id),
    addedFilesCount: Number(r.added_files_count),
    existingFilesCount: Number(r.existing_files_count),
    deletedFilesCount: Number(r.deleted_files_count),
    addedRowsCount: Number(r.added_rows_count),
    existingRowsCount: Number(r.existing_rows_count),
    deletedRowsCount: Number(r.deleted_rows_count),
    partitions: (r.partitions ?? []).map((p) => ({
      containsNull: p.contains_null,
      containsNan: p.contains_nan ?? null,
      lowerBound: p.lower_bound ?? null,
      upperBound: p.upper_bound ?? null,
    })),
  }));
}

/**
 * Data of fewer bytes than this is stored plain (Avro's `null` codec), larger data deflated. Deflate gains nothing
 * on a manifest list's few hundred bytes, and one reader breaks on it: hyparquet-compressors' inflate (1.1.1, under
 * icebird) decodes a block again and again into a 128 KiB buffer, one stack frame each time, and a block of ~150
 * bytes ran out of stack. From 4 KiB that is at most 32 frames.
 */
const DEFLATE_FROM_BYTES = 4096;

/**
 * An Avro container file of the records, in one block: a file larger than avsc's default block (64 KiB) would
 * otherwise end with a short block, deflated like the others. Manifests are written whole in memory either way.
 */
async function encode(type: avro.Type, schema: object, records: object[], metadata: Record<string, string>): Promise<Buffer> {
  for (const record of records) if (!type.isValid(record)) throw new Error(`invalid ${type.name ?? 'record'}: ${JSON.stringify(record)}`);
  const bytes = records.reduce<number>((sum, record) => sum + type.toBuffer(record).length, 0);
  const encoder = new avro.streams.BlockEncoder(schema as avro.Schema, {
    // An empty manifest list still needs its header: a snapshot with no manifests is a valid, empty table.
    writeHeader: 'always',
    codec: bytes < DEFLATE_FROM_BYTES ? 'null' : 'deflate',
    blockSize: bytes + 1,
    ...({ metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)])) } as object),
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
  });
  for (const record of records) encoder.write(record);
  encoder.end();
  return done;
}

async function decode<T>(bytes: Buffer): Promise<T[]> {
  const decoder = new avro.streams.BlockDecoder();
  const records: T[] = [];
  const done = new Promise<T[]>((resolve, reject) => {
    decoder.on('data', (record: T) => records.push(record));
    decoder.on('end', () => resolve(records));
    decoder.on('error', reject);
  });
  const source = new PassThrough();
  source.pipe(decoder);
  source.end(bytes);
  return done;
}
