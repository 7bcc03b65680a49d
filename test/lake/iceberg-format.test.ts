/**
 * Tributary's Iceberg writer (src/lake/iceberg) read back by an independent reader: icebird (its own Avro and
 * Parquet readers) for metadata, manifests and rows, with the table's files written by DuckDB as the pipeline
 * writes batches. The metadata is also checked against the spec's rules: sequence numbers, snapshot parents, unique
 * field ids, manifest counts, summary totals.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChange, liveDataFiles, writeMetadata, type TableFiles } from '../../src/lake/iceberg/commit.js';
import { localTableFiles } from '../../src/lake/iceberg/local-table-files.js';
import { decodeManifest, decodeManifestList, EntryStatus, type DataFile } from '../../src/lake/iceberg/manifests.js';
import { icebergStruct, type IcebergStruct, type IcebergType } from '../../src/lake/iceberg/schema.js';
import { newTableMetadata, withSchema, type TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { rootField } from '../../src/pipeline/schema/xdm-fields.js';
import { answerFileUrls } from '../support/file-fetch.js';

const SCHEMA = {
  type: 'object',
  properties: {
    _id: { type: 'string' },
    person: {
      type: 'object',
      properties: { name: { type: 'object', properties: { firstName: { type: 'string' } } }, age: { type: 'integer', 'meta:xdmType': 'int' } },
    },
    tags: { type: 'array', items: { type: 'string' } },
    identityMap: {
      type: 'object',
      'meta:xdmType': 'map',
      additionalProperties: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
    },
    timestamp: { type: 'string', format: 'date-time' },
  },
};

describe('Iceberg tables written by Tributary', () => {
  let dir: string;
  let files: TableFiles;
  let db: DuckDBConnection;
  let restoreFetch: () => void;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-iceberg-'));
    files = localTableFiles(dir);
    mkdirSync(join(dir, 'data'));
    db = await (await DuckDBInstance.create(':memory:')).connect();
    restoreFetch = answerFileUrls();
  });
  afterAll(() => {
    restoreFetch?.();
    db?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A batch's Parquet file, written as the pipeline writes one (DuckDB, column names, no field ids). */
  async function dataFile(name: string, ids: string[]): Promise<DataFile> {
    const path = join(dir, 'data', `${name}.parquet`);
    await db.run(
      `COPY (SELECT * FROM (VALUES ${ids
        .map(
          (id, i) =>
            `('${id}', {'name': {'firstName': 'F${id}'}, 'age': ${20 + i}}::STRUCT(name STRUCT(firstName VARCHAR), age INTEGER), ['t${i}'], MAP {'ECID': [{'id': 'e-${id}'}]}, TIMESTAMPTZ '2026-12-01 10:00:00+00')`,
        )
        .join(', ')}) t(_id, person, tags, identityMap, timestamp)) TO '${path}' (FORMAT parquet)`,
    );
    return { filePath: pathToFileURL(path).href, recordCount: ids.length, fileSizeInBytes: readFileSync(path).length };
  }

  const read = async (metadata: TableMetadata) =>
    ((await icebergRead({ tableUrl: pathToFileURL(dir).href, metadata: metadata as never })) as Array<Record<string, unknown>>)
      .map((r) => r._id)
      .sort();

  it('gives stable, unique field ids, and keeps them when the XDM schema grows', () => {
    const first = icebergStruct(rootField(SCHEMA), undefined, 0);
    const ids = allIds(first.struct);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBe(first.lastColumnId);
    expect(first.struct.fields.map((f) => [f.id, f.name])).toEqual([
      [1, '_id'],
      [2, 'person'],
      [3, 'tags'],
      [4, 'identityMap'],
      [5, 'timestamp'],
    ]);
    expect(first.struct.fields[4]!.type).toBe('timestamptz');
    const grown = { ...SCHEMA, properties: { email: { type: 'string' }, ...SCHEMA.properties } };
    const second = icebergStruct(rootField(grown), first.struct, first.lastColumnId);
    // The new field takes the next id wherever it is declared; every earlier field keeps its id.
    expect(second.struct.fields.find((f) => f.name === 'email')!.id).toBe(first.lastColumnId + 1);
    for (const field of first.struct.fields) expect(second.struct.fields.find((f) => f.name === field.name)).toEqual(field);
  });

  it('appends batches as snapshots, removes a batch with a delete snapshot, and compacts with a replace, each read back by icebird', async () => {
    const { struct, lastColumnId } = icebergStruct(rootField(SCHEMA), undefined, 0);
    let metadata = newTableMetadata({ location: pathToFileURL(dir).href, struct, lastColumnId, nowMs: 1_000 });
    let location = await writeMetadata(files, metadata);

    const a = await dataFile('batch-a', ['p-1', 'p-2']);
    ({ metadata, metadataLocation: location } = await commitChange(
      files,
      { metadata, location },
      { operation: 'append', add: [a], properties: { 'tributary.batch-id': 'A' } },
    ));
    expect(await read(metadata)).toEqual(['p-1', 'p-2']);
    // Whole rows, nested values included, found through the name mapping (the files carry no field ids).
    const rows = (await icebergRead({ tableUrl: pathToFileURL(dir).href, metadata: metadata as never })) as Array<Record<string, unknown>>;
    expect(rows.find((r) => r._id === 'p-1')).toMatchObject({ person: { name: { firstName: 'Fp-1' }, age: 20 }, tags: ['t0'] });

    const b1 = await dataFile('batch-b-1', ['p-3']);
    const b2 = await dataFile('batch-b-2', ['p-4', 'p-5']);
    ({ metadata, metadataLocation: location } = await commitChange(files, { metadata, location }, { operation: 'append', add: [b1, b2] }));
    expect(await read(metadata)).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);

    // REVERT of batch A.
    ({ metadata, metadataLocation: location } = await commitChange(
      files,
      { metadata, location },
      { operation: 'delete', add: [], remove: new Set([a.filePath]) },
    ));
    expect(await read(metadata)).toEqual(['p-3', 'p-4', 'p-5']);

    // Compaction: batch B's two files become one, with the same rows.
    const compacted = await dataFile('compacted', ['p-3', 'p-4', 'p-5']);
    ({ metadata, metadataLocation: location } = await commitChange(
      files,
      { metadata, location },
      { operation: 'replace', add: [compacted], remove: new Set([b1.filePath, b2.filePath]) },
    ));
    expect(await read(metadata)).toEqual(['p-3', 'p-4', 'p-5']);
    expect((await liveDataFiles(files, metadata)).map((f) => f.filePath)).toEqual([compacted.filePath]);

    // Time travel: the second snapshot still reads as it was.
    const second = metadata.snapshots[1]!;
    expect(await read({ ...metadata, 'current-snapshot-id': second['snapshot-id'] })).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);

    // The spec's rules.
    expect(metadata.snapshots.map((s) => s.summary.operation)).toEqual(['append', 'append', 'delete', 'replace']);
    expect(metadata.snapshots.map((s) => s['sequence-number'])).toEqual([1, 2, 3, 4]);
    expect(metadata['last-sequence-number']).toBe(4);
    expect(metadata.snapshots.map((s) => s['parent-snapshot-id'])).toEqual([
      undefined,
      ...metadata.snapshots.slice(0, -1).map((s) => s['snapshot-id']),
    ]);
    expect(metadata['snapshot-log'].map((l) => l['snapshot-id'])).toEqual(metadata.snapshots.map((s) => s['snapshot-id']));
    expect(metadata.refs.main).toEqual({ 'snapshot-id': metadata['current-snapshot-id'], type: 'branch' });
    expect(metadata['metadata-log']).toHaveLength(4);
    expect(metadata.snapshots.map((s) => s.summary['total-records'])).toEqual(['2', '5', '3', '3']);
    expect(metadata.snapshots.map((s) => s.summary['total-data-files'])).toEqual(['1', '3', '2', '1']);
    expect(metadata.snapshots[0]!.summary['tributary.batch-id']).toBe('A');
    expect(JSON.parse(readFileSync(fileURLToPath(location), 'utf8'))).toEqual(metadata);

    // The last snapshot's manifests: their counts agree with their entries, and every entry's sequence numbers are known.
    const list = await decodeManifestList(await files.read(metadata.snapshots[3]!['manifest-list']));
    for (const manifest of list) {
      const entries = await decodeManifest(await files.read(manifest.manifestPath));
      const count = (status: number) => entries.filter((e) => e.status === status).length;
      expect([manifest.addedFilesCount, manifest.existingFilesCount, manifest.deletedFilesCount]).toEqual([
        count(EntryStatus.added),
        count(EntryStatus.existing),
        count(EntryStatus.deleted),
      ]);
      for (const entry of entries) if (entry.status !== EntryStatus.added) expect(entry.sequenceNumber).not.toBeNull();
      expect(manifest.sequenceNumber).toBe(4);
    }
    expect(list.reduce((n, m) => n + m.deletedFilesCount, 0)).toBe(2);
  });

  it('refuses to remove a file the table does not hold', async () => {
    const { struct, lastColumnId } = icebergStruct(rootField(SCHEMA), undefined, 0);
    const metadata = newTableMetadata({ location: pathToFileURL(dir).href, struct, lastColumnId, nowMs: 1_000 });
    await expect(
      commitChange(files, { metadata, location: null }, { operation: 'delete', add: [], remove: new Set(['file:///nowhere.parquet']) }),
    ).rejects.toThrow(/does not hold/);
  });

  it('adds a schema version only when the XDM schema changed, with the name mapping of the new one', () => {
    const first = icebergStruct(rootField(SCHEMA), undefined, 0);
    const metadata = newTableMetadata({ location: 'file:///t', struct: first.struct, lastColumnId: first.lastColumnId, nowMs: 1 });
    expect(withSchema(metadata, icebergStruct(rootField(SCHEMA), first.struct, first.lastColumnId).struct, first.lastColumnId, 2)).toBe(metadata);
    const grown = icebergStruct(
      rootField({ ...SCHEMA, properties: { ...SCHEMA.properties, email: { type: 'string' } } }),
      first.struct,
      first.lastColumnId,
    );
    const evolved = withSchema(metadata, grown.struct, grown.lastColumnId, 2);
    expect(evolved.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(evolved['current-schema-id']).toBe(1);
    expect(evolved['last-column-id']).toBe(grown.lastColumnId);
    const mapping = JSON.parse(evolved.properties['schema.name-mapping.default']!) as Array<{ 'field-id': number; names: string[] }>;
    expect(mapping.find((m) => m.names[0] === 'email')?.['field-id']).toBe(grown.lastColumnId);
  });
});

function allIds(struct: IcebergStruct): number[] {
  const ids: number[] = [];
  const visit = (type: IcebergType) => {
    if (typeof type === 'string') return;
    if (type.type === 'struct')
      for (const f of type.fields) {
        ids.push(f.id);
        visit(f.type);
      }
    else if (type.type === 'list') {
      ids.push(type['element-id']);
      visit(type.element);
    } else {
      ids.push(type['key-id'], type['value-id']);
      visit(type.value);
    }
  };
  visit(struct);
  return ids;
}
