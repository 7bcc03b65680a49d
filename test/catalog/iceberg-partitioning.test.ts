/**
 * Time-series datasets as day-partitioned Iceberg tables: an ExperienceEvent dataset's table is partitioned by the
 * UTC day of `timestamp`, each data file holds one day (whichever writer made the batch: an import, a Query Service
 * INSERT INTO), its manifest entry carries that day, and the manifest list summarises them. icebird, DuckDB over the
 * listed files and Query Service read exactly the rows landed; REVERT takes out exactly a batch's rows. A profile
 * dataset stays unpartitioned, and so does a time-series table made around files that landed before it existed.
 */
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDataFiles } from '../../src/lake/iceberg/commit.js';
import { decodeManifest, decodeManifestList, EntryStatus, type DataFile } from '../../src/lake/iceberg/manifests.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerFileUrls } from '../support/file-fetch.js';
import { createConnection, createFlow, HOUR_AGO_MS, runNow } from '../support/flow-journey.js';
import { checkSpecRules } from '../support/iceberg-rules.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, completeBatch, count, makeDataset, sql, upload } from '../ingest/support.js';

const REGISTRY = '/data/foundation/schemaregistry/tenant/schemas';
const LOCAL_FOLDER = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);

/** Events over three UTC days; the offsets put two of them on another day in UTC than in their own zone. */
const EVENTS: Array<[string, string]> = [
  ['e-1', '2026-11-28T08:00:00Z'],
  ['e-2', '2026-11-28T23:59:59.999Z'],
  ['e-3', '2026-11-29T01:30:00+03:00'], // 2026-11-28T22:30Z
  ['e-4', '2026-11-29T00:00:00Z'],
  ['e-5', '2026-11-29T12:00:00Z'],
  ['e-6', '2026-11-29T20:00:00-05:00'], // 2026-11-30T01:00Z
  ['e-7', '2026-11-30T10:00:00Z'],
];
const utc = (iso: string) => new Date(iso).toISOString();

describe.each(['pglite', 'postgres'] as const)('time-series datasets as day-partitioned Iceberg tables on %s', (database) => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  let sandboxId = '';
  let events: string;
  const batches: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    await t.platform.startBackground({ scheduler: false });
    events = await makeEventDataset('Partitioned Events');
    sandboxId = (await t.call('GET', `${CATALOG}/dataSets/${events}`)).json()[events].sandboxId;
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  async function makeEventDataset(name: string): Promise<string> {
    const schema = await t.call('POST', REGISTRY, {
      type: 'object',
      title: `${name} schema`,
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }],
    });
    expect(schema.statusCode, schema.body).toBe(201);
    const dataset = await t.call('POST', `${CATALOG}/dataSets`, { name, schemaRef: { id: schema.json().$id } });
    expect(dataset.statusCode).toBe(201);
    return dataset.json()[0].split('/').pop();
  }
  async function land(datasetId: string, rows: Array<Record<string, unknown>>, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const created = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' }, ...body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const text = `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
    await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${datasetId}/files/events.json`, text);
    const batch = await completeBatch(t, id);
    expect(batch.status, JSON.stringify(batch.errors)).toBe('success');
    return batch;
  }
  const rowsOf = (list: Array<[string, string]>) => list.map(([_id, timestamp]) => ({ _id, timestamp }));
  async function loadTable(table: string): Promise<TableMetadata> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/iceberg/v1/prod/namespaces/datasets/tables/${table}`,
      headers: { authorization: t.headers.authorization! },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().metadata;
  }
  const filesOf = (datasetId: string) => t.platform.lake.table({ orgId: t.credentials.imsOrg, sandboxId, datasetId }).files;
  async function icebird(metadata: TableMetadata): Promise<Array<[string, string]>> {
    const rows = (await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, any>>;
    return rows.map((r) => [String(r._id), new Date(r.timestamp).toISOString()] as [string, string]).sort((a, b) => a[0].localeCompare(b[0]));
  }
  /** Each live data file's rows, read by DuckDB: ids and the UTC days of their timestamps. */
  async function fileDays(files: DataFile[]): Promise<Array<{ file: DataFile; ids: string[]; days: number[] }>> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const out = [];
      for (const file of files) {
        const reader = await connection.runAndReadAll(
          `SELECT _id, date_diff('day', DATE '1970-01-01', CAST(timestamp AS DATE))::INTEGER AS day FROM read_parquet('${fileURLToPath(file.filePath)}') ORDER BY _id`,
        );
        const rows = reader.getRowObjectsJS() as Array<{ _id: string; day: number }>;
        out.push({ file, ids: rows.map((r) => r._id), days: [...new Set(rows.map((r) => r.day))] });
      }
      return out;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  it('partitions an ExperienceEvent table by day of timestamp: one day per data file, its day in the manifest', async () => {
    const batch = await land(events, rowsOf(EVENTS));
    batches.first = batch.id;
    const metadata = await loadTable('partitioned_events');
    const timestamp = metadata.schemas[0]!.fields.find((f) => f.name === 'timestamp')!;
    expect(metadata['partition-specs']).toEqual([
      { 'spec-id': 0, fields: [{ 'source-id': timestamp.id, 'field-id': 1000, name: 'timestamp_day', transform: 'day' }] },
    ]);
    expect(metadata['default-spec-id']).toBe(0);
    expect(metadata['last-partition-id']).toBe(1000);

    const live = await liveDataFiles(filesOf(events), metadata);
    expect(live.length).toBeGreaterThanOrEqual(3);
    const read = await fileDays(live);
    for (const { file, days } of read) {
      expect(days).toHaveLength(1);
      expect(file.partition).toEqual({ timestamp_day: days[0] });
    }
    const expectedDays = [...new Set(EVENTS.map(([, ts]) => dayOf(ts)))].sort();
    expect([...new Set(read.map((r) => r.days[0]))].sort()).toEqual(expectedDays);
    expect(read.flatMap((r) => r.ids).sort()).toEqual(EVENTS.map(([id]) => id));
    // Which rows sit in which day's file: the UTC day, not the day of the offset written.
    const fileOf = (id: string) => read.find((r) => r.ids.includes(id))!.file.partition!.timestamp_day;
    expect(fileOf('e-3')).toBe(dayOf('2026-11-28T00:00:00Z'));
    expect(fileOf('e-6')).toBe(dayOf('2026-11-30T00:00:00Z'));

    // The manifest list summarises the manifest's partitions: no nulls, the first and last day.
    const snapshot = metadata.snapshots.at(-1)!;
    const [manifest] = await decodeManifestList(await filesOf(events).read(snapshot['manifest-list']));
    expect(manifest!.partitionSpecId).toBe(0);
    expect(manifest!.partitions).toHaveLength(1);
    expect(manifest!.partitions[0]!.containsNull).toBe(false);
    expect(manifest!.partitions[0]!.lowerBound!.readInt32LE(0)).toBe(expectedDays[0]);
    expect(manifest!.partitions[0]!.upperBound!.readInt32LE(0)).toBe(expectedDays.at(-1));

    // Catalog and Data Access list the files by their names in the batch, which say their day.
    const listing = (await t.call('GET', `${EXPORT}/files/${batch.id}-1`)).json();
    const names = (listing.data as Array<{ name: string }>).map((f) => f.name).sort();
    expect(names).toHaveLength(live.length);
    for (const name of names) expect(name).toMatch(/^part-\d{5}\.2026-11-(28|29|30)(\.\d+)?\.parquet$/);

    expect(await icebird(metadata)).toEqual(EVENTS.map(([id, ts]) => [id, utc(ts)]));
    expect(await count(t, 'partitioned_events')).toBe(EVENTS.length);
    // Query Service reads the same rows and columns as from an unpartitioned table: no partition column appears.
    const result = await sql(t, `SELECT * FROM partitioned_events ORDER BY _id`);
    expect(result.state, JSON.stringify(result.errors)).toBe('SUCCESS');
    expect(result.rows.map((r) => r._id)).toEqual(EVENTS.map(([id]) => id));
    expect(Object.keys(result.rows[0]!)).not.toContain('timestamp_day');
    const perDay = await sql(
      t,
      `SELECT CAST(timestamp AS DATE)::VARCHAR AS day, count(*)::INTEGER AS n FROM partitioned_events GROUP BY 1 ORDER BY 1`,
    );
    expect(perDay.rows).toEqual([
      { day: '2026-11-28', n: 3 },
      { day: '2026-11-29', n: 2 },
      { day: '2026-11-30', n: 2 },
    ]);
    await checkSpecRules(filesOf(events), metadata);
  });

  it('keeps one day per file across batches and writers; a REVERT or a replay changes exactly the files of its batches', async () => {
    // A second import on days the first one has, and a new one.
    const second: Array<[string, string]> = [
      ['f-1', '2026-11-29T03:00:00Z'],
      ['f-2', '2026-12-01T03:00:00Z'],
    ];
    batches.second = (await land(events, rowsOf(second))).id;
    // Query Service's INSERT INTO writes its batch through its own Parquet writer.
    const inserted = await sql(
      t,
      `INSERT INTO partitioned_events SELECT 'q-' || CAST(range AS VARCHAR) AS _id, TIMESTAMPTZ '2026-11-27 12:00:00+00' + range * INTERVAL 1 DAY AS timestamp FROM range(2)`,
    );
    expect(inserted.state, JSON.stringify(inserted.errors)).toBe('SUCCESS');

    let metadata = await loadTable('partitioned_events');
    const all = [...EVENTS, ...second, ['q-0', '2026-11-27T12:00:00Z'], ['q-1', '2026-11-28T12:00:00Z']] as Array<[string, string]>;
    expect(await icebird(metadata)).toEqual(all.map(([id, ts]) => [id, utc(ts)] as [string, string]).sort((a, b) => a[0].localeCompare(b[0])));
    for (const { file, days } of await fileDays(await liveDataFiles(filesOf(events), metadata))) {
      expect(days).toHaveLength(1);
      expect(file.partition).toEqual({ timestamp_day: days[0] });
    }
    expect(await count(t, 'partitioned_events')).toBe(all.length);
    await checkSpecRules(filesOf(events), metadata);

    // REVERT the second import: its rows, and only they, leave the table; the rewritten manifest keeps its partitions.
    expect((await t.call('POST', `${IMPORT}/batches/${batches.second}?action=REVERT`)).json().status).toBe('inactive');
    metadata = await loadTable('partitioned_events');
    expect(metadata.snapshots.at(-1)!.summary).toMatchObject({ operation: 'delete', 'deleted-records': '2' });
    const left = all.filter(([id]) => !id.startsWith('f-'));
    expect(await icebird(metadata)).toEqual(left.map(([id, ts]) => [id, utc(ts)] as [string, string]).sort((a, b) => a[0].localeCompare(b[0])));
    expect(await count(t, 'partitioned_events')).toBe(left.length);
    const list = await decodeManifestList(await filesOf(events).read(metadata.snapshots.at(-1)!['manifest-list']));
    const rewritten = list.find((m) => m.deletedFilesCount > 0)!;
    const gone = (await decodeManifest(await filesOf(events).read(rewritten.manifestPath))).filter((e) => e.status === EntryStatus.deleted);
    expect(gone.map((e) => e.dataFile.partition!.timestamp_day).sort()).toEqual([dayOf(second[0]![1]), dayOf(second[1]![1])]);
    await checkSpecRules(filesOf(events), metadata);

    // A replay of the first import: one overwrite that takes out its day files and adds the new batch's.
    const replay = await land(events, rowsOf([['r-1', '2026-11-28T05:00:00Z']]), { replay: { predecessors: [batches.first], reason: 'corrected' } });
    metadata = await loadTable('partitioned_events');
    expect(metadata.snapshots.at(-1)!.summary).toMatchObject({
      operation: 'overwrite',
      'tributary.batch-id': replay.id,
      'deleted-records': String(EVENTS.length),
    });
    const kept = [...left.filter(([id]) => id.startsWith('q-')), ['r-1', '2026-11-28T05:00:00Z']] as Array<[string, string]>;
    expect(await icebird(metadata)).toEqual(kept.map(([id, ts]) => [id, utc(ts)] as [string, string]).sort((a, b) => a[0].localeCompare(b[0])));
    expect(await count(t, 'partitioned_events')).toBe(kept.length);
    await checkSpecRules(filesOf(events), metadata);
  });

  it("writes a flow's CSV, mapped to ExperienceEvent, as one file per day", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tributary-partition-flow-'));
    try {
      const csv = `id,ts\n${EVENTS.map(([id, ts]) => `${id},${ts}`).join('\n')}\n`;
      writeFileSync(join(folder, 'events.csv'), csv);
      utimesSync(join(folder, 'events.csv'), HOUR_AGO_MS / 1000, HOUR_AGO_MS / 1000);
      const connectionId = await createConnection(t, LOCAL_FOLDER, 'Local Folder', { path: folder });
      const flow = await createFlow(t, {
        connectionId,
        specId: LOCAL_FOLDER,
        path: '/events.csv',
        title: 'Flow Events',
        classRef: 'https://ns.adobe.com/xdm/context/experienceevent',
        mappings: [
          ['id', '_id'],
          ['ts', 'timestamp'],
        ],
      });
      const run = await runNow(t, flow.flowId);
      expect(run.metrics.statusSummary.status, JSON.stringify(run.metrics)).toBe('success');
      const metadata = await loadTable('flow_events');
      expect(metadata['partition-specs'][0]!.fields.map((f) => f.name)).toEqual(['timestamp_day']);
      const read = await fileDays(await liveDataFiles(filesOf(flow.dataSetId), metadata));
      expect(read.length).toBe(3);
      for (const { file, days } of read) {
        expect(days).toHaveLength(1);
        expect(file.partition).toEqual({ timestamp_day: days[0] });
      }
      expect(await icebird(metadata)).toEqual(EVENTS.map(([id, ts]) => [id, utc(ts)]));
      expect(await count(t, 'flow_events')).toBe(EVENTS.length);
      await checkSpecRules(filesOf(flow.dataSetId), metadata);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('leaves a profile dataset unpartitioned', async () => {
    const { datasetId } = await makeDataset(t, 'Unpartitioned People');
    const created = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } });
    const id = created.json().id as string;
    await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${datasetId}/files/p.json`, `${JSON.stringify({ _id: 'p-1' })}\n`);
    expect((await completeBatch(t, id)).status).toBe('success');
    const metadata = await loadTable('unpartitioned_people');
    expect(metadata['partition-specs']).toEqual([{ 'spec-id': 0, fields: [] }]);
    expect(metadata['last-partition-id']).toBe(999);
    const [file] = await liveDataFiles(filesOf(datasetId), metadata);
    expect(file!.partition).toBeUndefined();
    const listing = (await t.call('GET', `${EXPORT}/files/${id}-1`)).json();
    expect(listing.data.map((f: { name: string }) => f.name)).toEqual(['part-00000.parquet']);
    await checkSpecRules(filesOf(datasetId), metadata);
  });

  it('keeps a time-series table made around files that landed before it existed unpartitioned', async () => {
    const legacy = await makeEventDataset('Legacy Events');
    const old = await land(legacy, rowsOf(EVENTS.slice(0, 4)));
    // As if that batch had landed before this version: no table, no snapshot on the batch.
    await t.platform.db.query('delete from iceberg_tables where dataset_id = $1', [legacy]);
    await t.platform.db.query('update batches set iceberg_snapshot_id = null where id = $1', [old.id]);
    await land(legacy, rowsOf(EVENTS.slice(4)));
    const metadata = await loadTable('legacy_events');
    expect(metadata['partition-specs']).toEqual([{ 'spec-id': 0, fields: [] }]);
    expect(await icebird(metadata)).toEqual(EVENTS.map(([id, ts]) => [id, utc(ts)]));
    // Later batches keep writing under its spec.
    await land(
      legacy,
      rowsOf([
        ['g-1', '2026-11-01T00:00:00Z'],
        ['g-2', '2026-11-02T00:00:00Z'],
      ]),
    );
    const later = await loadTable('legacy_events');
    expect((await liveDataFiles(filesOf(legacy), later)).every((f) => f.partition === undefined)).toBe(true);
    expect(await count(t, 'legacy_events')).toBe(EVENTS.length + 2);
    await checkSpecRules(filesOf(legacy), later);
  });
});
