/**
 * Every dataset an Iceberg table: batches landed through the Batch Ingestion API become snapshots of their
 * dataset's table, served by the Iceberg REST catalog under /iceberg and read back by independent readers —
 * icebird (metadata, manifests, rows) and DuckDB over the data files the manifests list. REVERT and replay change
 * the table as Catalog's state changes; the metadata follows the spec's rules; another org's token sees nothing.
 */
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDataFiles } from '../../src/lake/iceberg/commit.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { checkSpecRules } from '../support/iceberg-rules.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, IMPORT, completeBatch, count, makeDataset, upload } from '../ingest/support.js';

const TABLE = 'iceberg_people';
const lines = (ids: string[]) => `${ids.map((id) => JSON.stringify({ _id: id, person: { name: { firstName: `F-${id}` } } })).join('\n')}\n`;

describe.each(['pglite', 'postgres'] as const)('datasets as Iceberg tables on %s', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  let restoreFetch: () => void;
  /** What an Iceberg client sends: the bearer token alone. */
  let bearer: Record<string, string>;
  const batches: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    await t.platform.startBackground({ scheduler: false });
    ({ datasetId } = await makeDataset(t, 'Iceberg People'));
    bearer = { authorization: t.headers.authorization! };
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  const iceberg = (path: string, headers: Record<string, string> = bearer, method: 'GET' | 'HEAD' = 'GET') =>
    t.app.inject({ method, url: `/iceberg${path}`, headers });
  async function land(ids: string[], body: Record<string, unknown> = {}, dataset = datasetId): Promise<Record<string, any>> {
    const created = await t.call('POST', `${IMPORT}/batches`, { datasetId: dataset, inputFormat: { format: 'json' }, ...body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${dataset}/files/rows.json`, lines(ids));
    const batch = await completeBatch(t, id);
    expect(batch.status).toBe('success');
    return batch;
  }
  async function loadTable(): Promise<{ 'metadata-location': string; metadata: TableMetadata }> {
    const res = await iceberg(`/v1/prod/namespaces/datasets/tables/${TABLE}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const icebirdIds = async (metadata: TableMetadata) =>
    ((await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, unknown>>).map((r) => r._id).sort();
  const tableFiles = () => t.platform.lake.table({ orgId: t.credentials.imsOrg, sandboxId: sandboxId(), datasetId }).files;
  let sandbox = '';
  const sandboxId = () => sandbox;
  async function duckdbIds(metadata: TableMetadata): Promise<string[]> {
    const paths = (await liveDataFiles(tableFiles(), metadata)).map((f) => fileURLToPath(f.filePath));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = paths.map((p) => `'${p}'`).join(', ');
      const reader = await connection.runAndReadAll(`SELECT _id FROM read_parquet([${list}]) ORDER BY _id`);
      return reader.getRowObjects().map((r) => String(r._id));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  it('lands each batch as an append snapshot that icebird and DuckDB read back row for row', async () => {
    sandbox = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId].sandboxId;
    const a = await land(['a-1', 'a-2']);
    const b = await land(['b-1', 'b-2', 'b-3']);
    batches.a = a.id;
    batches.b = b.id;

    const { 'metadata-location': location, metadata } = await loadTable();
    expect(location).toMatch(/^file:\/\/.*\/metadata\/\d{5}-.*\.metadata\.json$/);
    expect(metadata['format-version']).toBe(2);
    expect(metadata.properties['write.parquet.compression-codec']).toBe('snappy');
    expect(metadata.snapshots.map((s) => s.summary.operation)).toEqual(['append', 'append']);
    expect(metadata.snapshots.map((s) => s.summary['tributary.batch-id'])).toEqual([a.id, b.id]);
    expect(metadata.snapshots.map((s) => s.summary['added-records'])).toEqual(['2', '3']);
    // The batch ↔ snapshot link, on the batch.
    expect([a.icebergSnapshotId, b.icebergSnapshotId]).toEqual(metadata.snapshots.map((s) => s['snapshot-id']));

    expect(await icebirdIds(metadata)).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'b-3']);
    expect(await duckdbIds(metadata)).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'b-3']);
    const rows = (await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<Record<string, any>>;
    expect(rows.find((r) => r._id === 'b-2')?.person?.name?.firstName).toBe('F-b-2');
    // Query Service plans its scan from the same snapshot.
    expect(await count(t, TABLE)).toBe(5);
    await checkSpecRules(tableFiles(), metadata);
  });

  it('turns a REVERT into a delete snapshot and a replay into one overwrite', async () => {
    expect((await t.call('POST', `${IMPORT}/batches/${batches.a}?action=REVERT`)).json().status).toBe('inactive');
    let { metadata } = await loadTable();
    const reverted = metadata.snapshots.at(-1)!;
    expect(reverted.summary).toMatchObject({
      operation: 'delete',
      'tributary.reverted-batch-id': batches.a,
      'deleted-records': '2',
      'total-records': '3',
    });
    expect(await icebirdIds(metadata)).toEqual(['b-1', 'b-2', 'b-3']);
    expect(await count(t, TABLE)).toBe(3);

    const c = await land(['c-1'], { replay: { predecessors: [batches.b], reason: 'corrected' } });
    ({ metadata } = await loadTable());
    const replay = metadata.snapshots.at(-1)!;
    expect(replay.summary).toMatchObject({
      operation: 'overwrite',
      'tributary.batch-id': c.id,
      'tributary.replaced-batch-ids': batches.b,
      'added-records': '1',
      'deleted-records': '3',
      'total-records': '1',
    });
    expect(c.icebergSnapshotId).toBe(replay['snapshot-id']);
    expect(await icebirdIds(metadata)).toEqual(['c-1']);
    expect(await duckdbIds(metadata)).toEqual(['c-1']);
    expect(await count(t, TABLE)).toBe(1);
    // Time travel: the table's history is the batches' history (the reverted batch's files stay until it expires).
    const second = metadata.snapshots[1]!;
    const before = { ...metadata, 'current-snapshot-id': second['snapshot-id'] };
    expect((await liveDataFiles(tableFiles(), before)).reduce((n, f) => n + f.recordCount, 0)).toBe(5);
    expect(metadata.snapshots.map((s) => s.summary.operation)).toEqual(['append', 'append', 'delete', 'overwrite']);
    await checkSpecRules(tableFiles(), metadata);
  });

  it('serves the Iceberg REST catalog to the org and sandbox of the token, in its error shape otherwise', async () => {
    const config = await iceberg('/v1/config?warehouse=prod');
    expect(config.statusCode).toBe(200);
    expect(config.json()).toMatchObject({ defaults: {}, overrides: { prefix: 'prod' } });
    expect((await iceberg('/v1/prod/namespaces')).json()).toEqual({ namespaces: [['datasets']] });
    expect((await iceberg('/v1/namespaces', { ...bearer, 'x-sandbox-name': 'prod' })).json()).toEqual({ namespaces: [['datasets']] });
    expect((await iceberg('/v1/prod/namespaces/datasets')).json()).toMatchObject({ namespace: ['datasets'] });
    expect((await iceberg('/v1/prod/namespaces/datasets/tables')).json()).toEqual({ identifiers: [{ namespace: ['datasets'], name: TABLE }] });
    expect((await iceberg(`/v1/prod/namespaces/datasets/tables/${TABLE}`, bearer, 'HEAD')).statusCode).toBe(204);
    expect((await iceberg('/v1/prod/namespaces/datasets/tables/nothing_here', bearer, 'HEAD')).statusCode).toBe(404);
    // The gateway headers are accepted too, as on every tenant API.
    expect((await iceberg(`/v1/namespaces/datasets/tables/${TABLE}`, t.headers)).statusCode).toBe(200);

    const missing = await iceberg('/v1/prod/namespaces/datasets/tables/nothing_here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { message: expect.stringContaining('nothing_here'), type: 'NoSuchTableException', code: 404 } });
    expect((await iceberg('/v1/prod/namespaces/elsewhere/tables')).json().error).toMatchObject({ type: 'NoSuchNamespaceException', code: 404 });
    const anonymous = await iceberg('/v1/prod/namespaces', {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error).toMatchObject({ type: 'NotAuthorizedException', code: 401 });
    expect((await iceberg('/v1/nosuchsandbox/namespaces')).json().error).toMatchObject({ type: 'ForbiddenException', code: 403 });

    // Another org's token: its own (empty) warehouse, never this org's tables, and refused with this org's header.
    const org = await t.platform.identity.createOrg({ name: 'Iceberg Other' });
    const client = await t.platform.identity.createClient(org.orgId, 'other');
    const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    const foreign = { authorization: `Bearer ${accessToken}` };
    expect((await iceberg('/v1/prod/namespaces/datasets/tables', foreign)).json()).toEqual({ identifiers: [] });
    expect((await iceberg(`/v1/prod/namespaces/datasets/tables/${TABLE}`, foreign)).statusCode).toBe(404);
    const spoofed = await iceberg(`/v1/prod/namespaces/datasets/tables/${TABLE}`, { ...foreign, 'x-gw-ims-org-id': t.credentials.imsOrg });
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.json().error.type).toBe('ForbiddenException');
  });

  it('gives a dataset whose batches landed before it was a table a first snapshot holding them all', async () => {
    const { datasetId: legacy } = await makeDataset(t, 'Legacy People');
    const old = await land(['l-1', 'l-2'], {}, legacy);
    // As if that batch had landed before this version: no table, no snapshot on the batch.
    await t.platform.db.query('delete from iceberg_tables where dataset_id = $1', [legacy]);
    await t.platform.db.query('update batches set iceberg_snapshot_id = null where id = $1', [old.id]);
    expect(await count(t, 'legacy_people')).toBe(2);
    const next = await land(['l-3'], {}, legacy);
    const res = await iceberg('/v1/prod/namespaces/datasets/tables/legacy_people');
    const metadata = res.json().metadata as TableMetadata;
    expect(metadata.snapshots).toHaveLength(1);
    expect(metadata.snapshots[0]!.summary).toMatchObject({ 'tributary.batch-id': next.id, 'added-data-files': '2', 'total-records': '3' });
    expect(await icebirdIds(metadata)).toEqual(['l-1', 'l-2', 'l-3']);
    expect(await count(t, 'legacy_people')).toBe(3);
    // Its REVERT still takes the old batch's rows out of the table.
    expect((await t.call('POST', `${IMPORT}/batches/${old.id}?action=REVERT`)).json().status).toBe('inactive');
    const after = (await iceberg('/v1/prod/namespaces/datasets/tables/legacy_people')).json().metadata as TableMetadata;
    expect(await icebirdIds(after)).toEqual(['l-3']);
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${legacy}`)).statusCode).toBe(200);
  });

  it('drops the table with its dataset', async () => {
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${datasetId}`)).statusCode).toBe(200);
    expect((await iceberg('/v1/prod/namespaces/datasets/tables')).json()).toEqual({ identifiers: [] });
  });
});
