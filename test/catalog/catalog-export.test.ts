import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/services/scope.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const CATALOG = '/data/foundation/catalog';
const EXPORT = '/data/foundation/export';

/** The seed's dataset body, as the tutorial sends it. */
const SEED_DATASET = {
  name: 'Target dataset for a Cloud Storage connector',
  schemaRef: {
    id: 'https://ns.adobe.com/{TENANT}/schemas/e28dd48fab732263816f8b80ae4fdf49ca7ad229ca62e5d6',
    contentType: 'application/vnd.adobe.xed-full-notext+json; version=1',
  },
};

async function writeParquet(dir: string, name: string, sql = 'SELECT 1 AS a'): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (${sql}) TO '${join(dir, name)}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function readParquetCount(paths: string[]): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const list = paths.map((p) => `'${p}'`).join(', ');
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet([${list}])`);
    return reader.getRowObjectsJS()[0]!.n as number;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe.each(['pglite', 'postgres'] as const)('Catalog and Data Access on %s', (database) => {
  let t: TestPlatform;
  let scope: Scope;
  let datasetId: string;

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    // Catalog refuses a dataset whose schema does not exist: make the seed's target schema first.
    const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      type: 'object',
      title: 'Target schema',
      allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }, { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' }],
    });
    SEED_DATASET.schemaRef.id = schema.json().$id;
    scope = await t.platform.identity.systemScope(
      t.credentials.imsOrg,
      (await t.platform.db.query<{ id: string }>('select id from sandboxes where org_id = $1', [t.credentials.imsOrg]))[0]!.id,
    );
  });
  afterAll(async () => t?.close());

  it('creates a dataset from the seed body and answers with its reference', async () => {
    const res = await t.call('POST', `${CATALOG}/dataSets?requestDataSource=true`, SEED_DATASET);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toHaveLength(1);
    expect(body[0]).toMatch(/^@\/dataSets\/[0-9a-f]{24}$/);
    datasetId = body[0].slice('@/dataSets/'.length);
  });

  it('reads the dataset keyed by its id, in Catalog’s shape', async () => {
    const res = await t.call('GET', `${CATALOG}/dataSets/${datasetId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([datasetId]);
    const dataset = body[datasetId];
    expect(dataset).toMatchObject({
      name: SEED_DATASET.name,
      schemaRef: SEED_DATASET.schemaRef,
      version: '1.0.0',
      imsOrg: t.credentials.imsOrg,
      createdClient: t.credentials.clientId,
      files: `@/dataSetFiles?dataSetId=${datasetId}`,
      tags: { 'adobe/pqs/table': ['target_dataset_for_a_cloud_storage_connector'] },
    });
    expect(typeof dataset.created).toBe('number');
    expect(dataset.created).toBeGreaterThan(Date.now() - 60_000);
    expect(dataset.updated).toBeGreaterThanOrEqual(dataset.created);

    const trimmed = await t.call('GET', `${CATALOG}/dataSets/${datasetId}?properties=name,schemaRef`);
    expect(trimmed.json()[datasetId]).toEqual({ name: SEED_DATASET.name, schemaRef: SEED_DATASET.schemaRef });
  });

  it('lists datasets with limit, start, orderBy and property filters', async () => {
    for (const name of ['Accounts', 'Bookings']) {
      expect((await t.call('POST', `${CATALOG}/dataSets`, { name, schemaRef: { id: SEED_DATASET.schemaRef.id } })).statusCode).toBe(201);
    }
    const all = (await t.call('GET', `${CATALOG}/dataSets`)).json();
    expect(Object.keys(all)).toHaveLength(3);
    const byName = (await t.call('GET', `${CATALOG}/dataSets?orderBy=asc:name&limit=2`)).json();
    expect(Object.values(byName).map((d: any) => d.name)).toEqual(['Accounts', 'Bookings']);
    const next = (await t.call('GET', `${CATALOG}/dataSets?orderBy=asc:name&limit=2&start=2`)).json();
    expect(Object.values(next).map((d: any) => d.name)).toEqual([SEED_DATASET.name]);
    const filtered = (await t.call('GET', `${CATALOG}/dataSets?property=name==Bookings`)).json();
    expect(Object.values(filtered).map((d: any) => d.name)).toEqual(['Bookings']);
    const regex = (await t.call('GET', `${CATALOG}/dataSets?property=name~^(Acc|Book)&orderBy=name`)).json();
    expect(Object.values(regex).map((d: any) => d.name)).toEqual(['Accounts', 'Bookings']);
    const bad = await t.call('GET', `${CATALOG}/dataSets?property=name~(`);
    expect(bad.statusCode).toBe(400);
    expect((await t.call('GET', `${CATALOG}/dataSets?property=nope==1`)).statusCode).toBe(400);
    expect((await t.call('GET', `${CATALOG}/dataSets?limit=abc`)).statusCode).toBe(400);
  });

  it('refuses bad dataset bodies with a clear message', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ schemaRef: { id: 'x' } }, /"name" is required/],
      [{ name: 'x' }, /"schemaRef" is required/],
      [{ name: 'x', schemaRef: {} }, /"schemaRef.id" is required/],
      [{ name: 'x', schemaRef: { id: 'https://ns.adobe.com/nobody/schemas/0123456789abcdef' } }, /schema/i],
      [[1, 2], /JSON object/],
      [{ name: 'x', schemaRef: { id: 'x' }, tags: { a: 'b' } }, /tag "a"/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('POST', `${CATALOG}/dataSets`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(message);
    }
  });

  let batchId: string;

  it('runs a batch to success and shows it in Catalog and Data Access', async () => {
    const { batchId: id, staging } = await t.platform.catalog.beginBatch(scope, {
      datasetId,
      inputFormat: { format: 'parquet' },
      relatedObjects: [{ type: 'flowRun', id: 'run-1' }],
    });
    batchId = id;
    expect(batchId).toMatch(/^[0-9A-Z]{26}$/);
    const inFlight = (await t.call('GET', `${CATALOG}/batches/${batchId}`)).json()[batchId];
    expect(inFlight.status).toBe('processing');

    await writeParquet(staging.dir, 'part-00000.parquet', 'SELECT range AS a FROM range(3)');
    // Staged but not finished: nothing to read yet.
    const early = (await t.call('GET', `${EXPORT}/batches/${batchId}/files`)).json();
    expect(early.data).toEqual([]);

    const rowErrors = [
      { file: 'in/a.csv', row: 2, code: 'TYPE-3001', message: 'age: not a number', field: 'person.age' },
      { file: 'in/a.csv', row: 5, code: 'TYPE-3001', message: 'age: not a number' },
    ];
    const result = await t.platform.catalog.finishBatch(scope, batchId, staging, {
      recordCount: 3,
      failedRecordCount: 2,
      inputFiles: [{ path: 'in/a.csv', size: 120, records: 5, failed: 2 }],
      rowErrors,
    });
    expect(result.status).toBe('success');
    expect(result.files).toHaveLength(1);

    const batch = (await t.call('GET', `${CATALOG}/batches/${batchId}`)).json()[batchId];
    expect(batch).toMatchObject({
      status: 'success',
      recordCount: 3,
      failedRecordCount: 2,
      size: result.files[0]!.size,
      version: '1.0.0',
      imsOrg: t.credentials.imsOrg,
      inputFormat: { format: 'parquet' },
      relatedObjects: [
        { type: 'dataSet', id: datasetId },
        { type: 'flowRun', id: 'run-1' },
      ],
      metrics: { inputFileCount: 1, inputByteSize: 120, inputRecordCount: 5, outputRecordCount: 3, failedRecordCount: 2, outputFileCount: 1 },
    });
    expect(batch.errors[0]).toMatchObject({ code: 'TYPE-3001' });
    expect(batch.completed).toBeGreaterThanOrEqual(batch.started);
    expect(batch.started).toBeGreaterThanOrEqual(batch.created);

    const listed = (await t.call('GET', `${CATALOG}/batches?dataSet=${datasetId}`)).json();
    expect(Object.keys(listed)).toEqual([batchId]);
    expect((await t.call('GET', `${CATALOG}/batches?dataSet=${datasetId}&status=failed`)).json()).toEqual({});
    const filtered = (await t.call('GET', `${CATALOG}/batches?property=status==success&property=recordCount>=3&orderBy=desc:created`)).json();
    expect(Object.keys(filtered)).toEqual([batchId]);
    expect((await t.call('GET', `${CATALOG}/batches?createdAfter=${Date.now() + 60_000}`)).json()).toEqual({});
    // Related objects are filtered on by id (the batch of a run, say): == one of them has it, != none has; never sorted on.
    expect(Object.keys((await t.call('GET', `${CATALOG}/batches?property=relatedObjects.id==run-1`)).json())).toEqual([batchId]);
    expect(Object.keys((await t.call('GET', `${CATALOG}/batches?property=relatedObjects.id=="${datasetId}"`)).json())).toEqual([batchId]);
    expect((await t.call('GET', `${CATALOG}/batches?property=relatedObjects.id==run-2`)).json()).toEqual({});
    expect((await t.call('GET', `${CATALOG}/batches?property=relatedObjects.id!=run-1&dataSet=${datasetId}`)).json()).toEqual({});
    for (const query of [
      'property=relatedObjects.id~run',
      'property=!relatedObjects.id',
      'property=relatedObjects.id>1',
      'orderBy=relatedObjects.id',
    ]) {
      const refused = await t.call('GET', `${CATALOG}/batches?${query}`);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json().detail, query).toMatch(/relatedObjects\.id/);
    }

    const dataset = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId];
    expect(dataset).toMatchObject({ lastBatchId: batchId, lastBatchStatus: 'success', lastSuccessfulBatch: batchId });

    // Data Access: the batch's dataSetFile, its listing, the bytes.
    const files = await t.call('GET', `${EXPORT}/batches/${batchId}/files`, undefined, { host: 'tributary.test:8080' });
    expect(files.statusCode).toBe(200);
    const fileList = files.json();
    expect(fileList._page).toEqual({ limit: 100, count: 1 });
    const entry = fileList.data[0];
    expect(entry).toMatchObject({
      dataSetFileId: `${batchId}-1`,
      dataSetViewId: dataset.viewId,
      version: '1.0.0',
      isValid: true,
      records: 3,
      size: result.files[0]!.size,
      _links: { self: { href: `http://tributary.test:8080${EXPORT}/files/${batchId}-1` } },
    });

    const listing = (await t.call('GET', `${EXPORT}/files/${batchId}-1`)).json();
    expect(listing.data).toEqual([
      {
        name: 'part-00000.parquet',
        length: String(result.files[0]!.size),
        _links: { self: { href: expect.stringMatching(new RegExp(`/files/${batchId}-1\\?path=part-00000.parquet$`)) } },
      },
    ]);

    const download = await t.call('GET', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['accept-ranges']).toBe('bytes');
    const bytes = download.rawPayload;
    expect(bytes.length).toBe(result.files[0]!.size);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');

    const ranged = await t.call('GET', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`, undefined, { range: 'bytes=0-3' });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 0-3/${bytes.length}`);
    expect(ranged.rawPayload.toString()).toBe('PAR1');
    const tail = await t.call('GET', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`, undefined, { range: 'bytes=-4' });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(bytes.subarray(bytes.length - 4))).toBe(true);
    const beyond = await t.call('GET', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`, undefined, { range: `bytes=${bytes.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);

    const head = await t.call('HEAD', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`);
    expect(head.statusCode).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(bytes.length);

    expect((await t.call('GET', `${EXPORT}/files/${batchId}-1?path=nope.parquet`)).statusCode).toBe(404);
    expect((await t.call('GET', `${EXPORT}/files/${batchId}-1?path=../../../etc/passwd`)).statusCode).toBe(404);

    // The same files, for SQL over the dataset.
    const paths = (await t.platform.catalog.datasetFiles(scope, datasetId)).paths;
    expect(await readParquetCount(paths)).toBe(3);

    // Catalog's dataSetFiles, which the dataset's `files` link points at.
    const dsFiles = (await t.call('GET', `${CATALOG}/dataSetFiles?dataSetId=${datasetId}`)).json();
    expect(dsFiles[`${batchId}-1`]).toMatchObject({ dataSetId: datasetId, batchId, records: 3, isValid: true });
  });

  it('serves the batch’s row errors and input files as meta files', async () => {
    const rowErrors = await t.call('GET', `${EXPORT}/batches/${batchId}/meta?path=row_errors`);
    expect(rowErrors.statusCode).toBe(200);
    expect(rowErrors.headers['content-type']).toMatch(/^application\/json/);
    const lines = rowErrors.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { file: 'in/a.csv', row: 2, code: 'TYPE-3001', message: 'age: not a number', field: 'person.age' },
      { file: 'in/a.csv', row: 5, code: 'TYPE-3001', message: 'age: not a number' },
    ]);
    const inputs = (await t.call('GET', `${EXPORT}/batches/${batchId}/meta?path=input_files`)).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(inputs).toEqual([{ path: 'in/a.csv', size: 120, records: 5, failed: 2 }]);
    const sample = (await t.call('GET', `${EXPORT}/batches/${batchId}/meta?path=row_errors_sample.json`)).json();
    expect(sample).toHaveLength(2);
    const meta = (await t.call('GET', `${EXPORT}/batches/${batchId}/meta`)).json();
    expect(meta.data.map((d: any) => d.name)).toEqual(['row_errors', 'input_files', 'row_errors_sample.json']);
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/meta?path=other`)).statusCode).toBe(404);
    const failed = (await t.call('GET', `${EXPORT}/batches/${batchId}/failed`)).json();
    expect(failed).toMatchObject({ data: [], _page: { count: 0 } });
  });

  it('fails a batch whose rows all failed, and shows no files for it', async () => {
    const { batchId: id, staging } = await t.platform.catalog.beginBatch(scope, { datasetId });
    await writeParquet(staging.dir, 'part-00000.parquet');
    const result = await t.platform.catalog.finishBatch(scope, id, staging, {
      recordCount: 0,
      failedRecordCount: 1,
      inputFiles: [{ path: 'in/b.csv', size: 10, records: 1, failed: 1 }],
      rowErrors: [{ file: 'in/b.csv', row: 1, code: 'PARSE-1001', message: 'bad quote' }],
    });
    expect(result).toMatchObject({ status: 'failed', files: [], errors: [{ code: 'TRIB-BATCH-1001' }, { code: 'PARSE-1001' }] });
    expect(existsSync(staging.dir)).toBe(false);
    const batch = (await t.call('GET', `${CATALOG}/batches/${id}`)).json()[id];
    expect(batch).toMatchObject({ status: 'failed', recordCount: 0, failedRecordCount: 1 });
    expect(batch.errors[0].code).toBe('TRIB-BATCH-1001');
    expect((await t.call('GET', `${EXPORT}/batches/${id}/files`)).json().data).toEqual([]);
    expect((await t.call('GET', `${EXPORT}/files/${id}-1`)).statusCode).toBe(404);
    expect((await t.call('GET', `${EXPORT}/batches/${id}/meta?path=row_errors`)).body).toContain('bad quote');
    // Only the successful batch is read by SQL.
    expect((await t.platform.catalog.datasetFiles(scope, datasetId)).paths).toHaveLength(1);
    const dataset = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId];
    expect(dataset).toMatchObject({ lastBatchId: id, lastBatchStatus: 'failed', lastFailedBatch: id, lastSuccessfulBatch: batchId });
  });

  it('fails a batch on request, discarding what it staged', async () => {
    const { batchId: id, staging } = await t.platform.catalog.beginBatch(scope, { datasetId });
    await writeParquet(staging.dir, 'part-00000.parquet');
    await t.platform.catalog.failBatch(scope, id, staging, [{ code: 'CONNECTOR-1', description: 'source unreachable' }]);
    expect(existsSync(staging.dir)).toBe(false);
    const batch = await t.platform.catalog.getBatch(scope, id);
    expect(batch.status).toBe('failed');
    expect(batch.errors).toEqual([{ code: 'CONNECTOR-1', description: 'source unreachable' }]);
    await expect(
      t.platform.catalog.finishBatch(scope, id, staging, { recordCount: 1, failedRecordCount: 0, inputFiles: [], rowErrors: [] }),
    ).rejects.toMatchObject({
      kind: 'conflict',
    });
  });

  it('recovers batches a dead process left in flight, leaving no data behind', async () => {
    const { batchId: staged, staging } = await t.platform.catalog.beginBatch(scope, { datasetId });
    await writeParquet(staging.dir, 'part-00000.parquet');
    // A process that died between the lake commit and the Catalog update.
    const { batchId: committed, staging: other } = await t.platform.catalog.beginBatch(scope, { datasetId });
    await writeParquet(other.dir, 'part-00000.parquet');
    await other.commit();

    const recovered = await t.platform.catalog.recoverStaleBatches();
    expect(recovered.sort()).toEqual([staged, committed].sort());
    for (const id of [staged, committed]) {
      const batch = await t.platform.catalog.getBatch(scope, id);
      expect(batch.status).toBe('failed');
      expect(batch.errors[0]!.code).toBe('TRIB-BATCH-1003');
    }
    expect(existsSync(staging.dir)).toBe(false);
    const datasetDir = join(t.platform.config.lakeDir, scope.orgId, scope.sandboxId, datasetId);
    // The landed batch and the dataset's Iceberg table metadata, nothing of the abandoned ones.
    expect(readdirSync(datasetDir).sort()).toEqual([batchId, 'metadata'].sort());
    expect(await t.platform.catalog.recoverStaleBatches()).toEqual([]);

    // With several processes, only batches nobody has touched for a while count as abandoned.
    const { batchId: live, staging: liveStaging } = await t.platform.catalog.beginBatch(scope, { datasetId });
    await t.platform.catalog.touchBatch(scope, live);
    expect(await t.platform.catalog.recoverStaleBatches({ olderThanMs: 60_000 })).toEqual([]);
    await t.platform.catalog.failBatch(scope, live, liveStaging, [{ code: 'TEST', description: 'done' }]);
  });

  it('hides datasets and batches from other sandboxes and orgs', async () => {
    await t.platform.db.query(`insert into sandboxes (id, org_id, name, title, type, state) values ($1, $2, 'dev', 'Dev', 'development', 'active')`, [
      randomUUID(),
      t.credentials.imsOrg,
    ]);
    const dev = { 'x-sandbox-name': 'dev' };
    expect((await t.call('GET', `${CATALOG}/dataSets/${datasetId}`, undefined, dev)).statusCode).toBe(404);
    expect((await t.call('GET', `${CATALOG}/dataSets`, undefined, dev)).json()).toEqual({});
    expect((await t.call('GET', `${CATALOG}/batches/${batchId}`, undefined, dev)).statusCode).toBe(404);
    expect((await t.call('GET', `${CATALOG}/batches?dataSet=${datasetId}`, undefined, dev)).json()).toEqual({});
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/files`, undefined, dev)).statusCode).toBe(404);
    expect((await t.call('GET', `${EXPORT}/files/${batchId}-1?path=part-00000.parquet`, undefined, dev)).statusCode).toBe(404);
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/meta?path=row_errors`, undefined, dev)).statusCode).toBe(404);

    const org = await t.platform.identity.createOrg({ name: 'Other' });
    const client = await t.platform.identity.createClient(org.orgId, 'other');
    const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    const foreign = { authorization: `Bearer ${accessToken}`, 'x-api-key': client.clientId, 'x-gw-ims-org-id': org.orgId, 'x-sandbox-name': 'prod' };
    const res = await t.call('GET', `${CATALOG}/dataSets/${datasetId}`, undefined, foreign);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await t.call('GET', `${CATALOG}/batches/${batchId}`, undefined, foreign)).statusCode).toBe(404);
    expect((await t.call('GET', `${EXPORT}/files/${batchId}-1`, undefined, foreign)).statusCode).toBe(404);
    const otherScope = await t.platform.identity.systemScope(org.orgId, org.sandboxId);
    await expect(t.platform.catalog.beginBatch(otherScope, { datasetId })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('deletes a dataset with its batches, their row errors and files', async () => {
    const rowErrors = async () =>
      (await t.platform.db.query<{ n: number }>('select count(*)::integer as n from batch_row_errors where batch_id = $1', [batchId]))[0]!.n;
    expect(await rowErrors()).toBe(2);
    const res = await t.call('DELETE', `${CATALOG}/dataSets/${datasetId}`);
    expect(await rowErrors()).toBe(0);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([`@/dataSets/${datasetId}`]);
    expect((await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).statusCode).toBe(404);
    expect((await t.call('GET', `${CATALOG}/batches/${batchId}`)).statusCode).toBe(404);
    expect(existsSync(join(t.platform.config.lakeDir, scope.orgId, scope.sandboxId, datasetId))).toBe(false);
  });

  it('counts failed rows, not row errors, in a batch summary (a row may fail on several fields)', async () => {
    const created = await t.call('POST', `${CATALOG}/dataSets`, { ...SEED_DATASET, name: 'summary counts' });
    const ownDataset = (created.json()[0] as string).split('/').pop()!;
    const { batchId: id, staging } = await t.platform.catalog.beginBatch(scope, { datasetId: ownDataset });
    await writeParquet(staging.dir, 'part-00000.parquet');
    const bad = (row: number, field: string) => ({ file: 'in/c.csv', row, code: 'TYPE-3001', message: `${field}: not a number`, field });
    const result = await t.platform.catalog.finishBatch(scope, id, staging, {
      recordCount: 1,
      failedRecordCount: 2,
      inputFiles: [{ path: 'in/c.csv', size: 30, records: 3, failed: 2 }],
      rowErrors: [bad(1, 'a'), bad(1, 'b'), bad(2, 'a'), bad(2, 'b')],
    });
    expect(result.status).toBe('success');
    const batch = (await t.call('GET', `${CATALOG}/batches/${id}`)).json()[id];
    expect(batch.errors.map((e: { description: string }) => e.description)).toEqual([
      '2 row(s) failed with TYPE-3001; first: a: not a number (in/c.csv, row 1)',
    ]);
  });
});
