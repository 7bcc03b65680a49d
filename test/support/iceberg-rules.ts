import { PassThrough } from 'node:stream';
import avro from 'avsc';
import { expect } from 'vitest';
import type { TableFiles } from '../../src/lake/iceberg/commit.js';
import { decodeManifest, decodeManifestList, EntryStatus } from '../../src/lake/iceberg/manifests.js';
import type { IcebergType } from '../../src/lake/iceberg/schema.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';

/**
 * The Iceberg spec's rules for a table's metadata and its current snapshot's manifests: sequence numbers and
 * parents, unique field ids, partition specs (field ids from 1000, `last-partition-id`, sources in the schema),
 * manifest counts, each entry's partition tuple following its manifest's spec, the manifest list's partition
 * summaries bounding those tuples, and the summary's total. A table whose history was never expired
 * (`fullHistory`, the default) also has every snapshot since its first, numbered 1…n, and one log entry per earlier
 * version; after expiry the kept snapshots still form one chain in sequence order, the snapshot log names only kept
 * snapshots, and the metadata log stays within `write.metadata.previous-versions-max`.
 */
export async function checkSpecRules(files: TableFiles, metadata: TableMetadata, options: { fullHistory?: boolean } = {}): Promise<void> {
  const fullHistory = options.fullHistory ?? true;
  const snapshots = metadata.snapshots;
  const sequence = snapshots.map((s) => s['sequence-number']);
  if (fullHistory) expect(sequence).toEqual(snapshots.map((_, i) => i + 1));
  else expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
  expect(new Set(sequence).size).toBe(sequence.length);
  expect(metadata['last-sequence-number']).toBe(sequence.at(-1));
  const parents = snapshots.slice(1).map((s) => s['parent-snapshot-id']);
  expect(parents).toEqual(snapshots.slice(0, -1).map((s) => s['snapshot-id']));
  if (fullHistory) expect(snapshots[0]!['parent-snapshot-id']).toBeUndefined();
  expect(metadata['current-snapshot-id']).toBe(snapshots.at(-1)!['snapshot-id']);
  expect(metadata.refs.main).toEqual({ 'snapshot-id': metadata['current-snapshot-id'], type: 'branch' });
  const kept = new Set(snapshots.map((s) => s['snapshot-id']));
  for (const ref of Object.values(metadata.refs)) expect(kept.has(ref['snapshot-id'])).toBe(true);
  for (const entry of metadata['snapshot-log']) expect(kept.has(entry['snapshot-id'])).toBe(true);
  const logTimes = metadata['snapshot-log'].map((e) => e['timestamp-ms']);
  expect(logTimes).toEqual([...logTimes].sort((a, b) => a - b));
  if (fullHistory) expect(metadata['metadata-log']).toHaveLength(snapshots.length - 1);
  const max = Number(metadata.properties['write.metadata.previous-versions-max'] ?? 100);
  expect(metadata['metadata-log'].length).toBeLessThanOrEqual(max);
  for (const schema of metadata.schemas) {
    const ids = fieldIds(schema);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeLessThanOrEqual(metadata['last-column-id']);
  }

  const specs = new Map(metadata['partition-specs'].map((s) => [s['spec-id'], s]));
  expect(specs.size).toBe(metadata['partition-specs'].length);
  expect(specs.has(metadata['default-spec-id'])).toBe(true);
  const partitionIds = metadata['partition-specs'].flatMap((s) => s.fields.map((f) => f['field-id']));
  for (const id of partitionIds) expect(id).toBeGreaterThanOrEqual(1000);
  expect(metadata['last-partition-id']).toBe(Math.max(999, ...partitionIds));
  const topLevel = new Map(metadata.schemas.flatMap((s) => s.fields.map((f) => [f.id, f.type] as const)));
  for (const spec of specs.values())
    for (const field of spec.fields) {
      expect(['identity', 'year', 'month', 'day', 'hour']).toContain(field.transform);
      if (field.transform === 'day') expect(['timestamptz', 'date']).toContain(topLevel.get(field['source-id']));
      expect(new Set(spec.fields.map((f) => f.name)).size).toBe(spec.fields.length);
    }

  const current = snapshots.at(-1)!;
  const list = await decodeManifestList(await files.read(current['manifest-list']));
  let live = 0;
  for (const manifest of list) {
    const spec = specs.get(manifest.partitionSpecId);
    expect(spec, `manifest spec ${manifest.partitionSpecId}`).toBeDefined();
    const bytes = await files.read(manifest.manifestPath);
    const header = await avroHeader(bytes);
    expect(JSON.parse(header['partition-spec']!)).toEqual(spec!.fields);
    expect(header['partition-spec-id']).toBe(String(manifest.partitionSpecId));
    const entries = await decodeManifest(bytes);
    const of = (status: number) => entries.filter((e) => e.status === status).length;
    expect([manifest.addedFilesCount, manifest.existingFilesCount, manifest.deletedFilesCount]).toEqual([
      of(EntryStatus.added),
      of(EntryStatus.existing),
      of(EntryStatus.deleted),
    ]);
    expect(manifest.sequenceNumber).toBeLessThanOrEqual(current['sequence-number']);
    expect(manifest.partitions).toHaveLength(spec!.fields.length);
    spec!.fields.forEach((field, i) => {
      const values = entries.map((e) => e.dataFile.partition?.[field.name]);
      for (const value of values) expect(value === null || Number.isInteger(value)).toBe(true);
      const present = values.filter((v): v is number => typeof v === 'number');
      const summary = manifest.partitions[i]!;
      expect(summary.containsNull).toBe(values.some((v) => v === null));
      expect(summary.lowerBound?.readInt32LE(0) ?? null).toBe(present.length ? Math.min(...present) : null);
      expect(summary.upperBound?.readInt32LE(0) ?? null).toBe(present.length ? Math.max(...present) : null);
    });
    for (const entry of entries) expect(Object.keys(entry.dataFile.partition ?? {})).toEqual(spec!.fields.map((f) => f.name));
    live += entries.filter((e) => e.status !== EntryStatus.deleted).reduce((n, e) => n + e.dataFile.recordCount, 0);
  }
  expect(String(live)).toBe(current.summary['total-records']);
}

/** The key-value metadata of an Avro container file's header. */
function avroHeader(bytes: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const decoder = new avro.streams.BlockDecoder();
    decoder.on('metadata', (_type: unknown, _codec: unknown, header: { meta: Record<string, Buffer> }) =>
      resolve(Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString()]))),
    );
    decoder.on('error', reject);
    decoder.on('data', () => undefined);
    const source = new PassThrough();
    source.pipe(decoder);
    source.end(bytes);
  });
}

export function fieldIds(type: IcebergType): number[] {
  if (typeof type === 'string') return [];
  if (type.type === 'struct') return type.fields.flatMap((f) => [f.id, ...fieldIds(f.type)]);
  if (type.type === 'list') return [type['element-id'], ...fieldIds(type.element)];
  return [type['key-id'], type['value-id'], ...fieldIds(type.value)];
}
