/**
 * Upkeep of the datasets' Iceberg tables: a REVERT keeps the batch's files while an older snapshot lists them
 * (time travel reads its rows with icebird), snapshot expiry drops old snapshots and deletes exactly the files only
 * they reached, commits keep the metadata log within `write.metadata.previous-versions-max` and delete the metadata
 * files that fall out of it, orphans are removed once old, and an expiry interrupted before its deletions is
 * finished by the next run. The claims that share tables between workers, and upkeep racing with commits, run on
 * PostgreSQL.
 */
import { readdirSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVersion } from '../../src/lake/iceberg/commit.js';
import { decodeManifest, decodeManifestList } from '../../src/lake/iceberg/manifests.js';
import { nextMetadataLog, type TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import type { LakeTable } from '../../src/lake/table-format.js';
import { commitDatasetChange, updateDatasetTable } from '../../src/services/catalog/dataset-tables.js';
import { readTable } from '../../src/services/catalog/iceberg-tables.repo.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { checkSpecRules } from '../support/iceberg-rules.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait-for.js';
import { CATALOG, IMPORT, completeBatch, count, makeDataset, upload } from '../ingest/support.js';

const DAY = 24 * 3_600_000;
const lines = (ids: string[]) => `${ids.map((id) => JSON.stringify({ _id: id, person: { name: { firstName: `F-${id}` } } })).join('\n')}\n`;

/** What the tests need of one platform: landing batches and looking at a dataset's table in the store and the lake. */
function helpers(get: () => TestPlatform) {
  const sandboxes = new Map<string, string>();
  const where = async (datasetId: string) => {
    const t = get();
    if (!sandboxes.has(datasetId))
      sandboxes.set(datasetId, (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId].sandboxId as string);
    return { orgId: t.credentials.imsOrg, sandboxId: sandboxes.get(datasetId)!, datasetId };
  };
  return {
    async land(datasetId: string, ids: string[], body: Record<string, unknown> = {}): Promise<string> {
      const t = get();
      const created = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' }, ...body });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${datasetId}/files/rows.json`, lines(ids));
      expect((await completeBatch(t, id)).status).toBe('success');
      return id;
    },
    async revert(batchId: string): Promise<void> {
      expect((await get().call('POST', `${IMPORT}/batches/${batchId}?action=REVERT`)).json().status).toBe('inactive');
    },
    table: async (datasetId: string): Promise<LakeTable> => get().platform.lake.table(await where(datasetId)),
    where,
    async current(datasetId: string): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
      const row = await readTable(get().platform.db, datasetId);
      expect(row).not.toBeNull();
      return row!;
    },
    async stored(datasetId: string): Promise<Set<string>> {
      const table = get().platform.lake.table(await where(datasetId));
      return new Set((await table.files.list()).map((f) => f.uri));
    },
  };
}

const at = (metadata: TableMetadata, snapshotId: number): TableMetadata => ({ ...metadata, 'current-snapshot-id': snapshotId });
const icebirdIds = async (metadata: TableMetadata) =>
  ((await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, unknown>>).map((r) => r._id).sort();

async function manifestsOf(table: LakeTable, manifestList: string): Promise<string[]> {
  return (await decodeManifestList(await table.files.read(manifestList))).map((m) => m.manifestPath);
}

/** A new version of the table with these properties, committed as any change is (row lock, pointer move). */
async function setProperties(t: TestPlatform, table: LakeTable, datasetId: string, properties: Record<string, string>): Promise<void> {
  await t.platform.db.transaction((tx) =>
    updateDatasetTable(tx, table, datasetId, async (row) =>
      writeVersion(
        table.files,
        {
          ...row!.metadata,
          'last-updated-ms': Date.now(),
          properties: { ...row!.metadata.properties, ...properties },
          'metadata-log': nextMetadataLog(row!.metadata, row!.metadataLocation),
        },
        row!.metadataLocation,
      ),
    ),
  );
}

describe('Iceberg table upkeep on PGlite', () => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  const h = helpers(() => t);

  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRIBUTARY_TABLE_MAINTENANCE_INTERVAL_MS: '0', TRIBUTARY_ORPHAN_MIN_AGE_MS: '60000' } });
    await t.platform.startBackground({ scheduler: false });
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('reads a reverted batch by time travel until expiry deletes exactly the files only expired snapshots reached', async () => {
    const { datasetId } = await makeDataset(t, 'Upkeep People');
    const a = await h.land(datasetId, ['a-1', 'a-2']);
    const b = await h.land(datasetId, ['b-1']);
    await h.revert(a);
    const table = await h.table(datasetId);
    const { metadata } = await h.current(datasetId);
    const [s1, s2, s3] = metadata.snapshots;
    expect(metadata.snapshots.map((s) => s.summary.operation)).toEqual(['append', 'append', 'delete']);

    // Time travel to the snapshot before the REVERT: the reverted batch's rows are still there to read.
    expect(await icebirdIds(at(metadata, s2!['snapshot-id']))).toEqual(['a-1', 'a-2', 'b-1']);
    expect(await icebirdIds(metadata)).toEqual(['b-1']);
    expect(await count(t, 'upkeep_people')).toBe(1);

    // Within retention nothing goes.
    const before = await h.stored(datasetId);
    expect(await t.platform.tableMaintenance.maintain(datasetId)).toEqual({ expiredSnapshots: 0, deletedFiles: 0, orphansDeleted: 0 });
    expect(await h.stored(datasetId)).toEqual(before);

    // What only the two expired snapshots reached: their manifest lists, the manifests the kept one does not list,
    // and the reverted batch's data files; the landed batch's files and every metadata file stay.
    const keptManifests = new Set(await manifestsOf(table, s3!['manifest-list']));
    const expiredManifests = [...(await manifestsOf(table, s1!['manifest-list'])), ...(await manifestsOf(table, s2!['manifest-list']))];
    const revertedFiles = [...before].filter((uri) => uri.startsWith(table.dataFileUri(a, '')));
    expect(revertedFiles.length).toBeGreaterThan(0);
    const expected = new Set([
      s1!['manifest-list'],
      s2!['manifest-list'],
      ...expiredManifests.filter((m) => !keptManifests.has(m)),
      ...revertedFiles,
    ]);

    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;
    const outcome = await t.platform.tableMaintenance.maintain(datasetId, later);
    expect(outcome).toEqual({ expiredSnapshots: 2, deletedFiles: expected.size, orphansDeleted: 0 });
    const after = await h.stored(datasetId);
    expect(new Set([...before].filter((uri) => !after.has(uri)))).toEqual(expected);
    expect([...after].filter((uri) => !before.has(uri))).toHaveLength(1); // the new metadata file

    const expiredTable = await h.current(datasetId);
    expect(expiredTable.metadata.snapshots.map((s) => s['snapshot-id'])).toEqual([s3!['snapshot-id']]);
    expect(expiredTable.metadata['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([s3!['snapshot-id']]);
    expect(expiredTable.metadata['metadata-log'].at(-1)!['metadata-file']).not.toBe(expiredTable.metadataLocation);
    await checkSpecRules(table.files, expiredTable.metadata, { fullHistory: false });
    expect(await icebirdIds(expiredTable.metadata)).toEqual(['b-1']);
    expect(await count(t, 'upkeep_people')).toBe(1);
    // The landed batch is still served whole by Data Access.
    expect((await t.call('GET', `/data/foundation/export/batches/${b}/files`)).json().data).toHaveLength(1);

    // A second run finds nothing more to do.
    expect(await t.platform.tableMaintenance.maintain(datasetId, later)).toEqual({ expiredSnapshots: 0, deletedFiles: 0, orphansDeleted: 0 });
    // The next batch builds on the expired history.
    await h.land(datasetId, ['c-1']);
    const next = await h.current(datasetId);
    expect(await icebirdIds(next.metadata)).toEqual(['b-1', 'c-1']);
    await checkSpecRules(table.files, next.metadata, { fullHistory: false });
  });

  it("keeps a replay's predecessors for time travel until expiry", async () => {
    const { datasetId } = await makeDataset(t, 'Replayed People');
    const a = await h.land(datasetId, ['a-1', 'a-2']);
    await h.land(datasetId, ['a-1'], { replay: { predecessors: [a], reason: 'corrected' } });
    const table = await h.table(datasetId);
    const { metadata } = await h.current(datasetId);
    expect(await icebirdIds(metadata)).toEqual(['a-1']);
    expect(await icebirdIds(at(metadata, metadata.snapshots[0]!['snapshot-id']))).toEqual(['a-1', 'a-2']);
    const replaced = [...(await h.stored(datasetId))].filter((uri) => uri.startsWith(table.dataFileUri(a, '')));
    expect(replaced.length).toBeGreaterThan(0);

    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;
    expect((await t.platform.tableMaintenance.maintain(datasetId, later)).expiredSnapshots).toBe(1);
    const stored = await h.stored(datasetId);
    for (const uri of replaced) expect(stored.has(uri)).toBe(false);
    expect(await icebirdIds((await h.current(datasetId)).metadata)).toEqual(['a-1']);
  });

  it('keeps the files of a successful batch no kept snapshot lists, and honours min-snapshots-to-keep', async () => {
    const { datasetId } = await makeDataset(t, 'Compacted People');
    const a = await h.land(datasetId, ['a-1']);
    const table = await h.table(datasetId);
    const [original] = [...(await h.stored(datasetId))].filter((uri) => uri.startsWith(table.dataFileUri(a, '')));
    // As compaction does: the batch's rows move to a file outside its folder, and the snapshot stops listing its own.
    const bytes = await table.files.read(original!);
    const copy = await table.files.write('compacted/part-00000.parquet', bytes);
    await t.platform.db.transaction((tx) =>
      commitDatasetChange(tx, table, datasetId, {
        operation: 'replace',
        add: [{ filePath: copy, recordCount: 1, fileSizeInBytes: bytes.length }],
        remove: [original!],
        properties: {},
      }),
    );
    await h.land(datasetId, ['b-1']);
    await setProperties(t, table, datasetId, { 'history.expire.min-snapshots-to-keep': '2' });

    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;
    expect((await t.platform.tableMaintenance.maintain(datasetId, later)).expiredSnapshots).toBe(1);
    const { metadata } = await h.current(datasetId);
    expect(metadata.snapshots.map((s) => s.summary.operation)).toEqual(['replace', 'append']);
    const stored = await h.stored(datasetId);
    expect(stored.has(original!)).toBe(true);
    expect(stored.has(copy)).toBe(true);
    expect(await icebirdIds(metadata)).toEqual(['a-1', 'b-1']);
    await checkSpecRules(table.files, metadata, { fullHistory: false });
  });

  it('keeps the metadata log within previous-versions-max and deletes the metadata files that leave it', async () => {
    const { datasetId } = await makeDataset(t, 'Logged People');
    await h.land(datasetId, ['a-0']);
    const table = await h.table(datasetId);
    await setProperties(t, table, datasetId, { 'write.metadata.previous-versions-max': '2' });
    const metadataFiles = async () => new Set([...(await h.stored(datasetId))].filter((uri) => uri.endsWith('.metadata.json')));
    for (let i = 1; i <= 4; i++) {
      await h.land(datasetId, [`a-${i}`]);
      const { metadataLocation, metadata } = await h.current(datasetId);
      expect(metadata['metadata-log']).toHaveLength(2);
      // On disk: the current version and the two it logs, nothing older.
      expect(await metadataFiles()).toEqual(new Set([metadataLocation, ...metadata['metadata-log'].map((e) => e['metadata-file'])]));
      // Versions are still numbered on: the table's first (00000), the properties (00001), then one per batch.
      expect(metadataLocation).toMatch(new RegExp(`/metadata/${String(1 + i).padStart(5, '0')}-[^/]+\\.metadata\\.json$`));
      await checkSpecRules(table.files, metadata, { fullHistory: false });
    }

    // A change whose transaction rolls back deletes nothing the current version's log names.
    const { metadataLocation, metadata } = await h.current(datasetId);
    const named = [metadataLocation, ...metadata['metadata-log'].map((e) => e['metadata-file'])];
    const live = (await decodeManifest(await table.files.read((await manifestsOf(table, metadata.snapshots.at(-1)!['manifest-list']))[0]!)))[0]!;
    await expect(
      t.platform.db.transaction(async (tx) => {
        await commitDatasetChange(tx, table, datasetId, { operation: 'append', add: [live.dataFile], remove: [], properties: {} });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const stored = await h.stored(datasetId);
    for (const uri of named) expect(stored.has(uri)).toBe(true);
    expect((await h.current(datasetId)).metadataLocation).toBe(metadataLocation);

    // With delete-after-commit off, the log is still cut but the files stay.
    await setProperties(t, table, datasetId, { 'write.metadata.delete-after-commit.enabled': 'false' });
    const dropped = (await h.current(datasetId)).metadata['metadata-log'][0]!['metadata-file'];
    await h.land(datasetId, ['a-5']);
    const now = await h.current(datasetId);
    expect(now.metadata['metadata-log'].map((e) => e['metadata-file'])).not.toContain(dropped);
    expect((await h.stored(datasetId)).has(dropped)).toBe(true);
    expect(await icebirdIds(now.metadata)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
  });

  it('removes old files nothing references and keeps fresh ones, batch files and files of batches in flight', async () => {
    const { datasetId } = await makeDataset(t, 'Orphaned People');
    const landed = await h.land(datasetId, ['a-1']);
    const table = await h.table(datasetId);
    const root = fileURLToPath(table.location);
    const open = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } });
    const inFlight = open.json().id as string;
    const plant = (relative: string) => {
      mkdirSync(join(root, relative, '..'), { recursive: true });
      writeFileSync(join(root, relative), 'not iceberg');
      return join(root, relative);
    };
    const old = [plant('metadata/stray.avro'), plant('batch-gone/part-00000.parquet'), plant(`${inFlight}/part-00000.parquet`)];
    const fresh = plant('metadata/just-written.metadata.json');
    // Everything else is old too: the table's own files stay because they are referenced, not because they are new.
    const ancient = new Date(Date.now() - 10 * DAY);
    const walkDir = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walkDir(join(dir, e.name)) : [join(dir, e.name)]));
    for (const path of walkDir(root)) if (path !== fresh) utimesSync(path, ancient, ancient);
    const referenced = [...(await h.stored(datasetId))].filter(
      (uri) => !uri.includes('stray') && !uri.includes('batch-gone') && !uri.includes('just-written') && !uri.includes(inFlight),
    );

    expect((await t.platform.tableMaintenance.maintain(datasetId)).orphansDeleted).toBe(2);
    const stored = await h.stored(datasetId);
    const has = (path: string) => [...stored].some((uri) => fileURLToPath(uri) === path);
    expect(has(old[0]!)).toBe(false);
    expect(has(old[1]!)).toBe(false);
    expect(has(old[2]!)).toBe(true);
    expect(has(fresh)).toBe(true);
    for (const uri of referenced) expect(stored.has(uri)).toBe(true);
    expect(referenced.some((uri) => uri.startsWith(table.dataFileUri(landed, '')))).toBe(true);
    expect(await icebirdIds((await h.current(datasetId)).metadata)).toEqual(['a-1']);

    // Once that batch ends without landing, its file is an orphan like any other, and its folder goes with it.
    expect((await t.call('POST', `${IMPORT}/batches/${inFlight}?action=ABORT`)).json().status).toBe('aborted');
    expect((await t.platform.tableMaintenance.maintain(datasetId)).orphansDeleted).toBe(1);
    expect(readdirSync(root)).not.toContain(inFlight);
    expect([...(await h.stored(datasetId))].filter((uri) => !stored.has(uri))).toEqual([]);
  });
});

describe('Iceberg table upkeep on PostgreSQL', () => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  const h = helpers(() => t);

  beforeAll(async () => {
    // No scheduler runs here: the interval only says how long a claimed table is not due again.
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_TABLE_MAINTENANCE_INTERVAL_MS: '3600000' } });
    await t.platform.startBackground({ scheduler: false });
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('leaves a consistent table when a run dies between the pointer move and the deletions, and the next run finishes', async () => {
    const { datasetId } = await makeDataset(t, 'Crashing People');
    const a = await h.land(datasetId, ['a-1']);
    await h.land(datasetId, ['b-1']);
    await h.revert(a);
    const table = await h.table(datasetId);
    const before = await h.stored(datasetId);
    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;

    // The lake fails every deletion, as a process killed right after the expiry's commit would leave things.
    const lake = t.platform.lake;
    const original = lake.table;
    lake.table = (location) => {
      const real = original(location);
      return { ...real, files: { ...real.files, delete: async () => Promise.reject(new Error('killed')) } };
    };
    try {
      await expect(t.platform.tableMaintenance.maintain(datasetId, later)).rejects.toThrow('killed');
    } finally {
      lake.table = original;
    }
    const moved = await h.current(datasetId);
    expect(moved.metadata.snapshots).toHaveLength(1);
    await checkSpecRules(table.files, moved.metadata, { fullHistory: false });
    expect(await icebirdIds(moved.metadata)).toEqual(['b-1']);
    const pending = await t.platform.db.query<{ n: number }>('select count(*)::int as n from iceberg_table_garbage where dataset_id = $1', [
      datasetId,
    ]);
    expect(pending[0]!.n).toBeGreaterThan(0);
    const stored = await h.stored(datasetId);
    for (const uri of before) expect(stored.has(uri)).toBe(true);

    // The next run deletes what the first recorded, though no snapshot names those files any more.
    const outcome = await t.platform.tableMaintenance.maintain(datasetId, later);
    expect(outcome.expiredSnapshots).toBe(0);
    expect(outcome.deletedFiles).toBe(pending[0]!.n);
    const after = await h.stored(datasetId);
    expect([...before].filter((uri) => uri.startsWith(table.dataFileUri(a, ''))).some((uri) => after.has(uri))).toBe(false);
    expect((await t.platform.db.query('select 1 from iceberg_table_garbage where dataset_id = $1', [datasetId])).length).toBe(0);
    expect(await icebirdIds((await h.current(datasetId)).metadata)).toEqual(['b-1']);
  });

  it('shares due tables between workers running at once, each table once, while batches keep landing', async () => {
    const ids = await Promise.all(['One', 'Two', 'Three'].map(async (name) => (await makeDataset(t, `Shared ${name}`)).datasetId));
    for (const id of ids) {
      const first = await h.land(id, [`${id}-1`]);
      await h.land(id, [`${id}-2`]);
      await h.revert(first);
    }
    // Every table is due (never looked after, or not within the interval).
    await t.platform.db.query('delete from iceberg_table_upkeep');
    const due = (await t.platform.db.query<{ n: number }>('select count(*)::int as n from iceberg_tables'))[0]!.n;
    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;
    const [one, two] = await Promise.all([
      t.platform.tableMaintenance.runDue(later),
      t.platform.tableMaintenance.runDue(later),
      h.land(ids[0]!, [`${ids[0]}-3`]),
    ]);
    expect(one + two).toBe(due);
    // Claimed within the interval: a third run finds nothing due.
    expect(await t.platform.tableMaintenance.runDue(later)).toBe(0);
    for (const id of ids) {
      const { metadata } = await h.current(id);
      const expected = id === ids[0] ? [`${id}-2`, `${id}-3`] : [`${id}-2`];
      expect(await icebirdIds(metadata)).toEqual(expected.sort());
      await checkSpecRules((await h.table(id)).files, metadata, { fullHistory: false });
    }
  });
});

describe('the table-expire job', () => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  const h = helpers(() => t);

  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRIBUTARY_TABLE_MAINTENANCE_INTERVAL_MS: '1000', TRIBUTARY_SNAPSHOT_RETENTION_MS: '1' } });
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('is scheduled by the scheduler and expires snapshots past the retention on its own', async () => {
    await t.platform.startBackground();
    const { datasetId } = await makeDataset(t, 'Scheduled People');
    const a = await h.land(datasetId, ['a-1']);
    await h.land(datasetId, ['b-1']);
    await h.revert(a);
    const table = await h.table(datasetId);
    const reverted = table.dataFileUri(a, '');
    await waitFor(async () => (await h.current(datasetId)).metadata.snapshots.length === 1, { what: 'the job to expire the older snapshots' });
    await waitFor(async () => ![...(await h.stored(datasetId))].some((uri) => uri.startsWith(reverted)), {
      what: "the reverted batch's files to go",
    });
    const { metadata } = await h.current(datasetId);
    expect(await icebirdIds(metadata)).toEqual(['b-1']);
    await checkSpecRules(table.files, metadata, { fullHistory: false });
  });
});
