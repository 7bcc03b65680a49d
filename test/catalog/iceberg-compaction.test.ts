/**
 * Compaction of a dataset's Iceberg table: many small batches (as a stream lands them) are rewritten into few large
 * files as one `replace` snapshot. The table read back by icebird, an independent reader, and SQL through Query
 * Service give the same rows before and after; a REVERT or a replay of a compacted batch stays exact for that batch;
 * a compaction that loses a race with a REVERT commits nothing and loses nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../../src/platform.js';
import { liveDataFiles } from '../../src/lake/iceberg/commit.js';
import { decodeManifest, decodeManifestList, EntryStatus } from '../../src/lake/iceberg/manifests.js';
import { currentSnapshot, type TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { readTable } from '../../src/services/catalog/iceberg-tables.repo.js';
import { COMPACT_QUEUE, planRewrites, TableCompactor, type LiveFile } from '../../src/services/catalog/compaction.js';
import type { Scope } from '../../src/services/scope.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { LAKE_BUCKET, s3LakeEnv, startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, completeBatch, makeDataset, sql, upload } from '../ingest/support.js';

const ROWS = 3;
const BATCHES = 32;

/** A batch's Parquet: its rows' ids, and (once the batch is `evolved`) the person's first name, a later column. */
async function writeParquet(path: string, name: string, evolved: boolean): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const person = evolved ? `, {'name': {'firstName': 'F-' || '${name}-' || range}} AS person` : '';
    await connection.run(`COPY (SELECT '${name}-' || range AS _id${person} FROM range(${ROWS})) TO '${path}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const expectedRows = (names: string[]) => names.flatMap((name) => Array.from({ length: ROWS }, (_, r) => `${name}-${r}`)).sort();

interface World {
  t: TestPlatform;
  scope: Scope;
  datasetId: string;
  table: string;
  /** Batch id → the name its rows carry. */
  names: Map<string, string>;
}

async function setUp(t: TestPlatform, title: string): Promise<World> {
  const { datasetId } = await makeDataset(t, title);
  const dataset = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId];
  const scope = await t.platform.identity.systemScope(t.credentials.imsOrg, dataset.sandboxId as string);
  return { t, scope, datasetId, table: dataset.tags['adobe/pqs/table'][0] as string, names: new Map() };
}

/** One batch through Catalog's own lifecycle, as a stream's micro-batch lands. */
async function land(world: World, name: string, evolved: boolean, platform: Platform = world.t.platform): Promise<string> {
  const { batchId, staging } = await platform.catalog.beginBatch(world.scope, { datasetId: world.datasetId });
  await writeParquet(join(staging.dir, 'part-00000.parquet'), name, evolved);
  const result = await platform.catalog.finishBatch(world.scope, batchId, staging, {
    recordCount: ROWS,
    failedRecordCount: 0,
    inputFiles: [],
    rowErrors: [],
  });
  expect(result.status).toBe('success');
  world.names.set(batchId, name);
  return batchId;
}

async function metadataOf(world: World): Promise<TableMetadata> {
  const row = await readTable(world.t.platform.db, world.datasetId);
  expect(row).not.toBeNull();
  return row!.metadata;
}

const lakeTable = (world: World) =>
  world.t.platform.lake.table({ orgId: world.scope.orgId, sandboxId: world.scope.sandboxId, datasetId: world.datasetId });

async function icebirdRows(world: World): Promise<Array<{ _id: string; first: string | null }>> {
  const metadata = await metadataOf(world);
  const rows = (await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, any>>;
  return rows.map((r) => ({ _id: String(r._id), first: r.person?.name?.firstName ?? null })).sort((a, b) => a._id.localeCompare(b._id));
}

async function sqlRows(world: World): Promise<Array<{ _id: string; first: string | null }>> {
  const result = await sql(world.t, `SELECT _id, person.name.firstName AS first FROM ${world.table} ORDER BY _id`);
  expect(result.state, JSON.stringify(result.errors)).toBe('SUCCESS');
  return result.rows.map((r) => ({ _id: String(r._id), first: (r.first as string | null) ?? null }));
}

/** The spec's rules the metadata and the current snapshot's manifests must keep, whatever the snapshot's operation. */
async function checkSpecRules(world: World): Promise<void> {
  const metadata = await metadataOf(world);
  const snapshots = metadata.snapshots;
  expect(snapshots.map((s) => s['sequence-number'])).toEqual(snapshots.map((_, i) => i + 1));
  expect(snapshots.map((s) => s['parent-snapshot-id'])).toEqual([undefined, ...snapshots.slice(0, -1).map((s) => s['snapshot-id'])]);
  expect(metadata['metadata-log']).toHaveLength(snapshots.length - 1);
  const current = snapshots.at(-1)!;
  const files = lakeTable(world).files;
  let records = 0;
  let live = 0;
  for (const manifest of await decodeManifestList(await files.read(current['manifest-list']))) {
    const entries = await decodeManifest(await files.read(manifest.manifestPath));
    const of = (status: number) => entries.filter((e) => e.status === status).length;
    expect([manifest.addedFilesCount, manifest.existingFilesCount, manifest.deletedFilesCount]).toEqual([
      of(EntryStatus.added),
      of(EntryStatus.existing),
      of(EntryStatus.deleted),
    ]);
    const kept = entries.filter((e) => e.status !== EntryStatus.deleted);
    live += kept.length;
    records += kept.reduce((n, e) => n + e.dataFile.recordCount, 0);
  }
  expect(String(records)).toBe(current.summary['total-records']);
  expect(String(live)).toBe(current.summary['total-data-files']);
}

async function liveUris(world: World): Promise<string[]> {
  return (await liveDataFiles(lakeTable(world).files, await metadataOf(world))).map((f) => f.filePath);
}

const compacted = (uris: string[]) => uris.filter((uri) => uri.includes('/compacted/'));

async function compactionRows(world: World): Promise<Array<{ file_uri: string; batch_ids: string[] }>> {
  return world.t.platform.db.query('select file_uri, batch_ids from compacted_files where dataset_id = $1 order by file_uri', [world.datasetId]);
}

describe('planRewrites', () => {
  const file = (size: number, specId = 0): { file: LiveFile } => ({
    file: { dataFile: { filePath: `f${size}-${specId}`, recordCount: 1, fileSizeInBytes: size }, specId, partition: null },
  });

  it('cuts each partition group into runs of at most the target size and leaves single files alone', () => {
    const runs = planRewrites([file(40), file(50), file(30), file(90), file(5, 1)], 100);
    expect(runs.map((run) => run.map((c) => c.file.dataFile.filePath))).toEqual([['f40-0', 'f50-0']]);
    expect(planRewrites([file(10), file(10, 1), file(10), file(10, 1)], 100).map((run) => run.map((c) => c.file.specId))).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(planRewrites([], 100)).toEqual([]);
  });
});

describe('TableCompactor.noteLanded', () => {
  it('queues one compaction job per dataset every minFiles landed micro-batches, and none when compaction is off', () => {
    const queued: Array<{ queue: string; datasetId: string }> = [];
    const queue = {
      enqueue: async (name: string, job: { datasetId: string }) => {
        queued.push({ queue: name, datasetId: job.datasetId });
        return 'id';
      },
    };
    const job = (datasetId: string) => ({ orgId: 'o', sandboxId: 's', datasetId });
    const on = new TableCompactor(null as never, null as never, { targetBytes: 1024, minFiles: 3, intervalMs: 1000 });
    for (let i = 0; i < 7; i++) on.noteLanded(queue as never, job('a'));
    on.noteLanded(queue as never, job('b'));
    expect(queued).toEqual([
      { queue: COMPACT_QUEUE, datasetId: 'a' },
      { queue: COMPACT_QUEUE, datasetId: 'a' },
    ]);
    const off = new TableCompactor(null as never, null as never, { targetBytes: 1024, minFiles: 3, intervalMs: 0 });
    for (let i = 0; i < 7; i++) off.noteLanded(queue as never, job('c'));
    expect(queued).toHaveLength(2);
  });
});

/**
 * A compaction on `platform` asked to stop (the process shutting down) once its rewrite has its staging area; the
 * staging folder it had is kept to look at afterwards.
 */
function stopOnceStaged(platform: Platform) {
  let stagedDir = '';
  return {
    stagedDir: () => stagedDir,
    async compact(where: Parameters<Platform['compactor']['compact']>[0]) {
      const lake = platform.lake;
      const original = lake.stageTableFiles;
      const stop = new AbortController();
      lake.stageTableFiles = async (location) => {
        const staging = await original.call(lake, location);
        stagedDir = staging.dir;
        stop.abort(new Error('shutting down'));
        return staging;
      };
      try {
        return await platform.compactor.compact(where, stop.signal);
      } finally {
        lake.stageTableFiles = original;
      }
    },
  };
}

describe('compacting a dataset table on PGlite', () => {
  let t: TestPlatform;
  let world: World;
  let restoreFetch: () => void;
  const before: { sql: Awaited<ReturnType<typeof sqlRows>>; icebird: Awaited<ReturnType<typeof icebirdRows>> } = { sql: [], icebird: [] };

  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRIBUTARY_COMPACT_INTERVAL_MS: '0' } });
    await t.platform.startBackground({ scheduler: false });
    restoreFetch = answerFileUrls();
    world = await setUp(t, 'Compacted People');
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('rewrites 32 small batches into one replace snapshot with the same rows, read by icebird and by SQL', async () => {
    // The first half lands before the schema's person fields are written: those files lack the column.
    for (let i = 0; i < BATCHES; i++) await land(world, `b${String(i).padStart(2, '0')}`, i >= BATCHES / 2);
    const names = [...world.names.values()];
    before.sql = await sqlRows(world);
    before.icebird = await icebirdRows(world);
    expect(before.sql.map((r) => r._id)).toEqual(expectedRows(names));
    expect(before.icebird).toEqual(before.sql);
    expect(before.sql.filter((r) => r.first !== null)).toHaveLength((BATCHES / 2) * ROWS);
    expect(await liveUris(world)).toHaveLength(BATCHES);
    const snapshotsBefore = (await metadataOf(world)).snapshots.length;

    const outcome = await t.platform.compactor.compact({ orgId: world.scope.orgId, sandboxId: world.scope.sandboxId, datasetId: world.datasetId });
    expect(outcome).toMatchObject({ status: 'compacted', removedFiles: BATCHES, addedFiles: 1 });

    const metadata = await metadataOf(world);
    expect(metadata.snapshots).toHaveLength(snapshotsBefore + 1);
    const snapshot = currentSnapshot(metadata)!;
    expect(snapshot.summary).toMatchObject({
      operation: 'replace',
      'added-data-files': '1',
      'deleted-data-files': String(BATCHES),
      'added-records': String(BATCHES * ROWS),
      'deleted-records': String(BATCHES * ROWS),
      'total-records': String(BATCHES * ROWS),
      'total-data-files': '1',
    });
    const live = await liveUris(world);
    expect(live).toHaveLength(1);
    expect(compacted(live)).toEqual(live);
    expect(lakeTable(world).batchFileOf(live[0]!)).toBeNull();
    await checkSpecRules(world);

    expect(await icebirdRows(world)).toEqual(before.icebird);
    expect(await sqlRows(world)).toEqual(before.sql);
    const local = await t.platform.catalog.datasetFiles(world.scope, world.datasetId);
    expect(local.paths).toEqual([fileURLToPath(live[0]!)]);
    local.release();

    const rows = await compactionRows(world);
    expect(rows).toHaveLength(1);
    expect([...rows[0]!.batch_ids].sort()).toEqual([...world.names.keys()].sort());
    // Data Access still serves each batch's own file, from its folder.
    const [someBatch] = [...world.names.keys()];
    const files = await t.call('GET', `${EXPORT}/batches/${someBatch}/files`);
    expect(files.statusCode, files.body).toBe(200);
    expect(files.json().data).toHaveLength(1);
  });

  it('leaves a table with too few small files alone', async () => {
    expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toEqual({ status: 'nothing' });
  });

  it('REVERT of one compacted batch removes exactly its rows and gives back the others’ original files', async () => {
    const [victim] = [...world.names.keys()].slice(5, 6);
    const res = await t.call('POST', `${IMPORT}/batches/${victim}?action=REVERT`);
    expect(res.json().status).toBe('inactive');
    const gone = world.names.get(victim!)!;
    world.names.delete(victim!);

    const snapshot = currentSnapshot(await metadataOf(world))!;
    expect(snapshot.summary).toMatchObject({
      operation: 'overwrite',
      'tributary.reverted-batch-id': victim,
      'total-records': String((BATCHES - 1) * ROWS),
    });
    const expected = before.sql.filter((r) => !r._id.startsWith(`${gone}-`));
    expect(expected).toHaveLength((BATCHES - 1) * ROWS);
    expect(await sqlRows(world)).toEqual(expected);
    expect(await icebirdRows(world)).toEqual(expected);
    const live = await liveUris(world);
    expect(compacted(live)).toEqual([]);
    expect(live.map((uri) => lakeTable(world).batchFileOf(uri)!.batchId).sort()).toEqual([...world.names.keys()].sort());
    expect(await compactionRows(world)).toEqual([]);
    await checkSpecRules(world);
  });

  it('a replay of a compacted batch replaces exactly that batch', async () => {
    expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toMatchObject({ status: 'compacted', addedFiles: 1 });
    const [predecessor] = [...world.names.keys()].slice(0, 1);
    const created = await t.call('POST', `${IMPORT}/batches`, {
      datasetId: world.datasetId,
      inputFormat: { format: 'json' },
      replay: { predecessors: [predecessor], reason: 'corrected' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const body = `${JSON.stringify({ _id: 'replayed-0', person: { name: { firstName: 'R' } } })}\n`;
    const put = await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${world.datasetId}/files/rows.json`, body);
    expect(put.statusCode, put.body).toBeLessThan(300);
    expect((await completeBatch(t, id)).status).toBe('success');
    world.names.delete(predecessor!);

    const expected = [...expectedRows([...world.names.values()]), 'replayed-0'].sort();
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expected);
    expect((await icebirdRows(world)).map((r) => r._id)).toEqual(expected);
    expect(currentSnapshot(await metadataOf(world))!.summary.operation).toBe('overwrite');
    await checkSpecRules(world);
    expect(compacted(await liveUris(world))).toEqual([]);
    expect(await compactionRows(world)).toEqual([]);
  });

  it('a compaction that loses its race with a REVERT commits nothing, removes what it wrote, and loses no row', async () => {
    const lake = t.platform.lake;
    const original = lake.stageTableFiles;
    const [victim] = [...world.names.keys()].slice(3, 4);
    // The REVERT lands between the rewrite and the compaction's commit.
    lake.stageTableFiles = async (location) => {
      const staging = await original.call(lake, location);
      return {
        dir: staging.dir,
        discard: () => staging.discard(),
        commit: async () => {
          expect((await t.call('POST', `${IMPORT}/batches/${victim}?action=REVERT`)).json().status).toBe('inactive');
          return staging.commit();
        },
      };
    };
    try {
      expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toEqual({ status: 'raced' });
    } finally {
      lake.stageTableFiles = original;
    }
    world.names.delete(victim!);
    const expected = [...expectedRows([...world.names.values()]), 'replayed-0'].sort();
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expected);
    expect(compacted(await liveUris(world))).toEqual([]);
    const folder = join(fileURLToPath(lakeTable(world).location), 'compacted');
    const compactedLive = existsSync(folder) ? readdirSync(folder) : [];
    // Only the files of the two earlier compactions (now in old snapshots only) remain; the lost one's file is gone.
    expect(compactedLive).toHaveLength(2);

    // Tried again, it goes through.
    expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toMatchObject({ status: 'compacted' });
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expected);
    expect((await icebirdRows(world)).map((r) => r._id)).toEqual(expected);
  });

  it('a compaction asked to stop (shutting down) commits nothing and leaves neither staged nor written files', async () => {
    for (let i = 0; i < 16; i++) await land(world, `x${String(i).padStart(2, '0')}`, true);
    const liveBefore = await liveUris(world);
    const metadataBefore = (await metadataOf(world)).snapshots.length;
    const stopping = stopOnceStaged(t.platform);
    expect(await stopping.compact({ ...world.scope, datasetId: world.datasetId })).toEqual({ status: 'stopped' });
    const stagedDir = stopping.stagedDir();
    expect(stagedDir).not.toBe('');
    expect(existsSync(stagedDir)).toBe(false);
    expect(await liveUris(world)).toEqual(liveBefore);
    expect((await metadataOf(world)).snapshots).toHaveLength(metadataBefore);
    // Not stopped, the same compaction goes through.
    expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toMatchObject({ status: 'compacted' });
  });

  it('the background job compacts what the sweep finds', async () => {
    for (let i = 0; i < 16; i++) await land(world, `s${String(i).padStart(2, '0')}`, true);
    const compactor = t.platform.compactor;
    // The sweep's interval is off in this platform: the sweep is driven by hand, with its own settings.
    (compactor.settings as { intervalMs: number }).intervalMs = 1;
    try {
      expect(await compactor.sweep(t.platform.queue)).toBe(1);
    } finally {
      (compactor.settings as { intervalMs: number }).intervalMs = 0;
    }
    const expected = [...expectedRows([...world.names.values()]), 'replayed-0'].sort();
    await waitUntil(async () => compacted(await liveUris(world)).length > 0 && (await liveUris(world)).length === 1);
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expected);
  });
});

describe('compacting a day-partitioned time-series table on PGlite', () => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  const DAY_MS = 86_400_000;

  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRIBUTARY_COMPACT_INTERVAL_MS: '0' } });
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('writes one compacted file per day, each with its day, and never mixes days', async () => {
    const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      type: 'object',
      title: 'Compacted events schema',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    });
    expect(schema.statusCode, schema.body).toBe(201);
    const created = await t.call('POST', `${CATALOG}/dataSets`, { name: 'Compacted Events', schemaRef: { id: schema.json().$id } });
    const datasetId = (created.json()[0] as string).split('/').pop()!;
    const dataset = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId];
    const scope = await t.platform.identity.systemScope(t.credentials.imsOrg, dataset.sandboxId as string);
    const world: World = { t, scope, datasetId, table: dataset.tags['adobe/pqs/table'][0], names: new Map() };

    // Each batch's three events fall on two UTC days (08:00 and 20:00 of the 28th, 08:00 of the 29th).
    for (let b = 0; b < 12; b++) {
      const { batchId, staging } = await t.platform.catalog.beginBatch(scope, { datasetId });
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      await connection.run(
        `COPY (SELECT 'p${b}-' || range AS _id, TIMESTAMPTZ '2026-11-28 08:00:00+00' + INTERVAL (range * 12) HOUR AS timestamp FROM range(${ROWS}))
         TO '${join(staging.dir, 'part-00000.parquet')}' (FORMAT parquet)`,
      );
      connection.closeSync();
      instance.closeSync();
      const landed = await t.platform.catalog.finishBatch(scope, batchId, staging, {
        recordCount: ROWS,
        failedRecordCount: 0,
        inputFiles: [],
        rowErrors: [],
      });
      expect(landed.status).toBe('success');
      world.names.set(batchId, `p${b}`);
    }
    const before = await liveDataFiles(lakeTable(world).files, await metadataOf(world));
    expect(before).toHaveLength(24);
    const ids = (rows: Array<Record<string, unknown>>) => rows.map((r) => String(r._id)).sort();
    const read = async () => {
      const metadata = await metadataOf(world);
      return (await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, unknown>>;
    };
    const rowsBefore = ids(await read());
    expect(rowsBefore).toEqual(expectedRows([...world.names.values()]));

    expect(await t.platform.compactor.compact({ ...scope, datasetId })).toMatchObject({ status: 'compacted', removedFiles: 24, addedFiles: 2 });
    const after = await liveDataFiles(lakeTable(world).files, await metadataOf(world));
    expect(after).toHaveLength(2);
    const day = Math.floor(Date.parse('2026-11-28T00:00:00Z') / DAY_MS);
    const days = after.map((f) => Object.values(f.partition ?? {})[0]).sort();
    expect(days).toEqual([day, day + 1]);
    // Each compacted file holds the rows of its own day only.
    for (const file of after) {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT (epoch_ms(timestamp) // ${DAY_MS}))::INTEGER AS days, min(epoch_ms(timestamp) // ${DAY_MS})::INTEGER AS day FROM read_parquet('${fileURLToPath(file.filePath)}')`,
      );
      connection.closeSync();
      instance.closeSync();
      const [row] = reader.getRowObjects();
      expect({ n: row!.n, days: row!.days, day: row!.day }).toEqual({
        n: Object.values(file.partition!)[0] === day ? 2 * 12 : 12,
        days: 1,
        day: Object.values(file.partition!)[0],
      });
    }
    expect(ids(await read())).toEqual(rowsBefore);
    await checkSpecRules(world);

    // REVERT of one batch puts back the others' originals with their days.
    const [victim] = [...world.names.keys()].slice(4, 5);
    await t.platform.catalog.revertBatch(scope, victim!);
    world.names.delete(victim!);
    const reverted = await liveDataFiles(lakeTable(world).files, await metadataOf(world));
    expect(reverted).toHaveLength(22);
    for (const file of reverted) expect(Object.values(file.partition ?? {})[0]).toBeTypeOf('number');
    expect(ids(await read())).toEqual(expectedRows([...world.names.values()]));
    await checkSpecRules(world);
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met');
}

describe('compaction racing REVERTs across two platforms on PostgreSQL', () => {
  let t: TestPlatform;
  let other: Platform;
  let restoreFetch: () => void;

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_COMPACT_INTERVAL_MS: '0' } });
    other = await createPlatform(t.platform.config);
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await other?.close({ graceMs: 100 });
    await t?.close();
  });

  it('keeps every row of every batch still landed exactly once', async () => {
    const world = await setUp(t, 'Raced People');
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await land(world, `r${String(i).padStart(2, '0')}`, i % 2 === 0, i % 2 ? other : t.platform));
    const where = { ...world.scope, datasetId: world.datasetId };
    const victims = [ids[2]!, ids[9]!, ids[17]!];
    const outcomes = await Promise.all([
      t.platform.compactor.compact(where),
      other.compactor.compact(where),
      ...victims.map((id, i) => (i % 2 ? other : t.platform).catalog.revertBatch(world.scope, id).then(() => null)),
    ]);
    for (const outcome of outcomes.slice(0, 2)) expect(['compacted', 'busy', 'raced', 'nothing']).toContain(outcome!.status);
    for (const id of victims) world.names.delete(id);
    const expected = expectedRows([...world.names.values()]);
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expected);
    expect((await icebirdRows(world)).map((r) => r._id)).toEqual(expected);

    // Once nothing races it, a compaction holds every remaining row once, and another REVERT after it stays exact.
    await t.platform.compactor.compact(where);
    expect((await icebirdRows(world)).map((r) => r._id)).toEqual(expected);
    const last = [...world.names.keys()].at(-1)!;
    await other.catalog.revertBatch(world.scope, last);
    world.names.delete(last);
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expectedRows([...world.names.values()]));
    expect((await icebirdRows(world)).map((r) => r._id)).toEqual(expectedRows([...world.names.values()]));
  });

  it('a compaction stopped on one platform gives its lease back at once: the other compacts the table', async () => {
    const world = await setUp(t, 'Stopped People');
    for (let i = 0; i < 16; i++) await land(world, `s${String(i).padStart(2, '0')}`, true);
    const where = { ...world.scope, datasetId: world.datasetId };
    const liveBefore = await liveUris(world);
    const stopping = stopOnceStaged(t.platform);
    expect(await stopping.compact(where)).toEqual({ status: 'stopped' });
    expect(existsSync(stopping.stagedDir())).toBe(false);
    expect(await liveUris(world)).toEqual(liveBefore);
    expect(await other.compactor.compact(where)).toMatchObject({ status: 'compacted', removedFiles: 16 });
    expect((await sqlRows(world)).map((r) => r._id)).toEqual(expectedRows([...world.names.values()]));
  });
});

describe('compacting a dataset table in an S3 lake (s3rver)', () => {
  let s3: S3rverHandle;
  let t: TestPlatform;

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBuckets(LAKE_BUCKET);
    t = await startTestPlatform({
      env: {
        ...s3LakeEnv(s3),
        TRIBUTARY_COMPACT_INTERVAL_MS: '0',
      },
    });
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('reads the compacted file through the read cache, and a REVERT after it stays exact', async () => {
    const world = await setUp(t, 'S3 Compacted People');
    for (let i = 0; i < 20; i++) await land(world, `s3-${String(i).padStart(2, '0')}`, i >= 10);
    const before = await sqlRows(world);
    expect(before.map((r) => r._id)).toEqual(expectedRows([...world.names.values()]));
    expect(await t.platform.compactor.compact({ ...world.scope, datasetId: world.datasetId })).toMatchObject({
      status: 'compacted',
      removedFiles: 20,
    });
    const live = await liveUris(world);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatch(/^s3:\/\/lake\/tributary\/data\/.+\/compacted\/[^/]+\.parquet$/);
    expect(await sqlRows(world)).toEqual(before);

    const [victim] = [...world.names.keys()].slice(7, 8);
    await t.platform.catalog.revertBatch(world.scope, victim!);
    const gone = world.names.get(victim!)!;
    world.names.delete(victim!);
    expect(await sqlRows(world)).toEqual(before.filter((r) => !r._id.startsWith(`${gone}-`)));
    expect(await liveUris(world)).toHaveLength(19);
  });
});
