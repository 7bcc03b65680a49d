import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, completeBatch, count, makeDataset, parquetBytes, sql, upload } from './support.js';

const JSON_ROWS = [
  { _id: 'j-1', person: { name: { firstName: 'Ada', lastName: 'Lovelace' } }, personalEmail: { address: 'ada@example.com' } },
  { _id: 'j-2', person: { name: { firstName: 'Grace', lastName: 'Hopper' } }, personalEmail: { address: 'grace@example.com' } },
];
const jsonLines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const CSV_GOOD_AND_BAD = '_id,person.name.firstName,personalEmail.address\nc-1,Alan,alan@example.com\nc-2,Broken,not-an-email\n';

// Failed batches keep their errors as jsonb: checked on PostgreSQL as well as PGlite.
describe.each(['pglite', 'postgres'] as const)('Batch Ingestion: JSON, Parquet and CSV batches through the import API on %s', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  let scratch: string;
  const table = 'import_people';
  const batch = (id: string) => t.call('GET', `${CATALOG}/batches/${id}`).then((r) => r.json()[id]);
  const files = (batchId: string, name: string) => `${IMPORT}/batches/${batchId}/datasets/${datasetId}/files/${name}`;
  const create = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', `${IMPORT}/batches`, { datasetId, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const act = (batchId: string, action: string) => t.call('POST', `${IMPORT}/batches/${batchId}?action=${action}`);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    // COMPLETE only enqueues; this process's worker processes the batches.
    await t.platform.startBackground({ scheduler: false });
    scratch = mkdtempSync(join(tmpdir(), 'tributary-import-'));
    ({ datasetId } = await makeDataset(t, 'Import People'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('opens a JSON batch in loading; uploads are invisible until COMPLETE, then Catalog, Data Access and SQL show them', async () => {
    const created = await create({ inputFormat: { format: 'json' } });
    expect(created).toMatchObject({
      status: 'loading',
      relatedObjects: [{ type: 'dataSet', id: datasetId }],
      inputFormat: { format: 'json' },
      version: '1.0.0',
    });
    expect(created.id).toMatch(/^[0-9A-Z]{26}$/);
    ids.json = created.id;

    const put = await upload(t, 'PUT', files(ids.json!, 'people/part=1/people.json'), jsonLines(JSON_ROWS));
    expect(put.statusCode).toBe(201);
    expect((await upload(t, 'PUT', files(ids.json!, 'people/part=1/people.json'), jsonLines(JSON_ROWS))).statusCode).toBe(200);

    const preview = await t.call('GET', `${IMPORT}/batches/${ids.json}/datasets/${datasetId}/preview?format=json&nrow=1`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().formatParams).toMatchObject({ format: 'json' });
    expect(preview.json().preview.rows).toHaveLength(1);
    expect(preview.json().preview.columns.map((c: { name: string }) => c.name)).toContain('_id');

    // Nothing is visible yet.
    expect((await batch(ids.json!)).status).toBe('loading');
    expect((await t.call('GET', `${EXPORT}/batches/${ids.json}/files`)).json().data).toEqual([]);
    expect(await count(t, table)).toBe(0);

    expect(await completeBatch(t, ids.json!)).toMatchObject({ id: ids.json, status: 'success', recordCount: 2, failedRecordCount: 0 });

    const landed = await batch(ids.json!);
    expect(landed).toMatchObject({ status: 'success', recordCount: 2, metrics: { inputFileCount: 1, outputRecordCount: 2 } });
    expect(landed.started).toBeTypeOf('number');
    const dataFiles = (await t.call('GET', `${EXPORT}/batches/${ids.json}/files`)).json().data;
    expect(dataFiles).toHaveLength(1);
    const inputFiles = await t.call('GET', `${EXPORT}/batches/${ids.json}/meta?path=input_files`);
    expect(inputFiles.body).toContain('people/part=1/people.json');
    const rows = await sql(t, `SELECT _id, person.name.firstName AS first FROM ${table} ORDER BY _id`);
    expect(rows.rows).toEqual([
      { _id: 'j-1', first: 'Ada' },
      { _id: 'j-2', first: 'Grace' },
    ]);
    // The dataset id works as a table name too.
    expect(await count(t, `"${datasetId}"`)).toBe(2);
    const last = (await t.call('GET', `${CATALOG}/lastBatches`)).json();
    expect(last[datasetId]).toMatchObject({ lastBatchId: ids.json, lastBatchStatus: 'success', lastSuccessfulBatchId: ids.json });
    const previewed = await t.call('GET', `${EXPORT}/datasets/${datasetId}/preview`);
    expect(previewed.statusCode).toBe(200);
    expect(previewed.json().data).toHaveLength(2);
    // A second COMPLETE finds the batch no longer loading.
    expect((await act(ids.json!, 'COMPLETE')).statusCode).toBe(409);
  });

  it('takes a multi-line JSON document', async () => {
    const created = await create({ inputFormat: { format: 'JSON', isMultiLineJson: true } });
    const doc = JSON.stringify([{ _id: 'm-1', person: { name: { firstName: 'Multi' } } }], null, 2);
    expect((await upload(t, 'PUT', files(created.id, 'multi.json'), doc)).statusCode).toBe(201);
    expect(await completeBatch(t, created.id)).toMatchObject({ status: 'success', recordCount: 1 });
    expect(await count(t, table)).toBe(3);
    ids.multi = created.id;
  });

  it('uploads a Parquet file as a large file in chunks (INITIALIZE, PATCH with Content-Range, HEAD, COMPLETE)', async () => {
    const created = await create({ inputFormat: { format: 'parquet' } });
    ids.parquet = created.id;
    const bytes = await parquetBytes(scratch, `SELECT 'p-' || i AS _id, {'name': {'firstName': 'Parquet ' || i}} AS person FROM range(3) t(i)`);
    const url = files(created.id, 'big.parquet');
    expect((await t.call('POST', `${url}?action=INITIALIZE`)).statusCode).toBe(201);
    const half = Math.floor(bytes.length / 2);
    const first = await upload(t, 'PATCH', url, bytes.subarray(0, half), { 'content-range': `bytes 0-${half - 1}/${bytes.length}` });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ name: 'big.parquet', sizeInBytes: half });
    // Completing the batch with a file still missing chunks is refused, and changes nothing.
    expect((await t.call('POST', `${url}?action=COMPLETE`)).statusCode).toBe(400);
    expect((await act(created.id, 'COMPLETE')).statusCode).toBe(400);
    expect((await batch(created.id)).status).toBe('loading');
    const head = await t.app.inject({ method: 'HEAD', url, headers: t.headers });
    expect(head.statusCode).toBe(200);
    expect(head.headers.range).toBe(`bytes=0-${half - 1}`);
    const rest = await upload(t, 'PATCH', url, bytes.subarray(half), { 'content-range': `bytes ${half}-${bytes.length - 1}` });
    expect(rest.statusCode).toBe(200);
    const completeFile = await t.call('POST', `${url}?action=COMPLETE`);
    expect(completeFile.json()).toEqual({ name: 'big.parquet', sizeInBytes: bytes.length });
    expect(await completeBatch(t, created.id)).toMatchObject({ status: 'success', recordCount: 3 });
    expect(await count(t, table)).toBe(6);
  });

  it('lands a CSV with partial ingestion, keeping the failed row as a row error', async () => {
    const created = await create({ inputFormat: { format: 'csv' }, enableErrorDiagnostics: true, partialIngestionPercentage: 50 });
    expect(created.tags).toEqual({ acp_enableErrorDiagnostics: ['true'], acp_partialIngestionPercent: ['50'] });
    ids.csv = created.id;
    expect((await upload(t, 'PUT', files(created.id, 'people.csv'), CSV_GOOD_AND_BAD)).statusCode).toBe(201);
    expect(await completeBatch(t, created.id)).toMatchObject({ status: 'success', recordCount: 1, failedRecordCount: 1 });
    const rowErrors = await t.call('GET', `${EXPORT}/batches/${created.id}/meta?path=row_errors`);
    expect(rowErrors.body.trim().split('\n')).toHaveLength(1);
    expect(rowErrors.body).toContain('personalEmail');
    expect((await sql(t, `SELECT person.name.firstName AS first FROM ${table} WHERE _id = 'c-1'`)).rows).toEqual([{ first: 'Alan' }]);
    expect(await count(t, table)).toBe(7);
  });

  it('fails a CSV batch with a bad row when partial ingestion is off, landing nothing', async () => {
    const created = await create({ inputFormat: { format: 'csv' } });
    expect((await upload(t, 'PUT', files(created.id, 'people.csv'), CSV_GOOD_AND_BAD.replaceAll('c-', 'd-'))).statusCode).toBe(201);
    const done = await completeBatch(t, created.id);
    expect(done).toMatchObject({ status: 'failed' });
    expect(done.errors.map((e: { code: string }) => e.code)).toContain('TRIB-BATCH-1004');
    expect((await t.call('GET', `${EXPORT}/batches/${created.id}/files`)).json().data).toEqual([]);
    expect(await count(t, table)).toBe(7);
    expect((await t.call('GET', `${CATALOG}/lastBatches`)).json()[datasetId]).toMatchObject({
      lastFailedBatchId: created.id,
      lastSuccessfulBatchId: ids.csv,
    });
  });

  it('follows the partial ingestion tag of the dataset, set by PATCH', async () => {
    const patched = await t.call('PATCH', `${CATALOG}/dataSets/${datasetId}`, {
      tags: { acp_partialIngestionPercent: ['60'] },
      description: 'people',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const dataset = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId];
    expect(dataset).toMatchObject({ description: 'people', tags: { acp_partialIngestionPercent: ['60'], 'adobe/pqs/table': [table] } });
    const created = await create({ inputFormat: { format: 'csv' } });
    await upload(t, 'PUT', files(created.id, 'people.csv'), CSV_GOOD_AND_BAD.replaceAll('c-', 'e-'));
    expect(await completeBatch(t, created.id)).toMatchObject({ status: 'success', recordCount: 1 });
    expect(await count(t, table)).toBe(8);
    await t.call('PATCH', `${CATALOG}/dataSets/${datasetId}`, { tags: { acp_partialIngestionPercent: null } });
    expect((await t.call('GET', `${CATALOG}/dataSets/${datasetId}?properties=tags`)).json()[datasetId]).toEqual({
      tags: { 'adobe/pqs/table': [table] },
    });
    expect((await t.call('PATCH', `${CATALOG}/dataSets/${datasetId}`, { tags: { acp_partialIngestionPercent: ['lots'] } })).statusCode).toBe(400);
    expect((await t.call('PATCH', `${CATALOG}/dataSets/${datasetId}`, { id: 'x' })).statusCode).toBe(400);
  });

  it('ABORTs and FAILs loading batches: their uploads are dropped and nothing more can be uploaded', async () => {
    const aborted = await create({ inputFormat: { format: 'json' } });
    await upload(t, 'PUT', files(aborted.id, 'x.json'), jsonLines([{ _id: 'a-1' }]));
    expect((await act(aborted.id, 'ABORT')).json()).toMatchObject({ status: 'aborted' });
    expect((await upload(t, 'PUT', files(aborted.id, 'y.json'), '{}')).statusCode).toBe(409);
    expect((await act(aborted.id, 'COMPLETE')).statusCode).toBe(409);
    expect(readdirSync(join(t.platform.config.lakeDir, '_staging')).filter((e) => e.startsWith(aborted.id))).toEqual([]);

    const failed = await create({ inputFormat: { format: 'json' } });
    expect((await act(failed.id, 'FAIL')).json()).toMatchObject({ status: 'failed' });
    expect((await batch(failed.id)).status).toBe('failed');
    expect((await act(failed.id, 'BOGUS')).statusCode).toBe(400);
    expect(await count(t, table)).toBe(8);
  });

  it('REVERTs a landed batch: Catalog shows it inactive, Data Access and SQL no longer see it', async () => {
    const fileId = (await t.call('GET', `${EXPORT}/batches/${ids.json}/files`)).json().data[0].dataSetFileId;
    const listing = (await t.call('GET', `${EXPORT}/files/${fileId}`)).json().data;
    expect(listing.length).toBeGreaterThan(0);
    const reverted = await act(ids.json!, 'REVERT');
    expect(reverted.statusCode, reverted.body).toBe(200);
    expect(reverted.json().status).toBe('inactive');
    expect((await batch(ids.json!)).status).toBe('inactive');
    expect((await t.call('GET', `${EXPORT}/batches/${ids.json}/files`)).json().data).toEqual([]);
    expect((await t.call('GET', `${EXPORT}/files/${fileId}?path=${listing[0].name}`)).statusCode).toBe(404);
    expect(await count(t, table)).toBe(6);
    expect((await sql(t, `SELECT count(*)::INTEGER AS n FROM ${table} WHERE _id LIKE 'j-%'`)).rows).toEqual([{ n: 0 }]);
    expect((await act(ids.json!, 'REVERT')).statusCode).toBe(409);
  });

  it('replays a batch: the replacement lands and its predecessor goes inactive in the same step', async () => {
    const replay = await create({ inputFormat: { format: 'json' }, replay: { predecessors: [ids.parquet], reason: 'corrected names' } });
    expect(replay.replay).toEqual({ predecessors: [ids.parquet], reason: 'corrected names' });
    await upload(t, 'PUT', files(replay.id, 'fixed.json'), jsonLines([{ _id: 'p-0', person: { name: { firstName: 'Fixed' } } }]));
    expect(await completeBatch(t, replay.id)).toMatchObject({ status: 'success' });
    expect((await batch(ids.parquet!)).status).toBe('inactive');
    expect((await sql(t, `SELECT person.name.firstName AS first FROM ${table} WHERE _id LIKE 'p-%'`)).rows).toEqual([{ first: 'Fixed' }]);
    // Only successful batches of the same dataset can be replayed.
    expect(
      (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' }, replay: { predecessors: [ids.json] } })).statusCode,
    ).toBe(400);
  });

  it('lists batch states Catalog can filter on', async () => {
    const inactive = (await t.call('GET', `${CATALOG}/batches?dataSet=${datasetId}&status=inactive`)).json();
    expect(Object.keys(inactive).sort()).toEqual([ids.json, ids.parquet].sort());
    const aborted = (await t.call('GET', `${CATALOG}/batches?dataSet=${datasetId}&status=aborted&properties=status,relatedObjects`)).json();
    const only = Object.values(aborted)[0] as Record<string, unknown>;
    expect(Object.keys(only).sort()).toEqual(['relatedObjects', 'status']);
  });

  it('deletes the dataset with its data: files leave the lake and SQL no longer finds the table', async () => {
    const { datasetId: doomed } = await makeDataset(t, 'Doomed People');
    const created = (await t.call('POST', `${IMPORT}/batches`, { datasetId: doomed, inputFormat: { format: 'json' } })).json();
    await upload(t, 'PUT', `${IMPORT}/batches/${created.id}/datasets/${doomed}/files/a.json`, jsonLines(JSON_ROWS));
    expect((await completeBatch(t, created.id)).status).toBe('success');
    expect(await count(t, 'doomed_people')).toBe(2);
    const dir = join(t.platform.config.lakeDir, t.credentials.imsOrg);
    expect(existsSync(dir)).toBe(true);
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${doomed}`)).statusCode).toBe(200);
    const sandboxDirs = readdirSync(dir);
    for (const sandbox of sandboxDirs) expect(readdirSync(join(dir, sandbox))).not.toContain(doomed);
    const gone = await sql(t, 'SELECT count(*) FROM doomed_people');
    expect(gone.state).toBe('FAILED');
  });
});
