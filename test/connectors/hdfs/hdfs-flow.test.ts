import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startFakeWebHdfs, type FakeWebHdfs } from '../../support/fake-webhdfs/fake-webhdfs.js';
import {
  batchesOf,
  bigCsv,
  createConnection,
  createFlow,
  EVENTS_JSONL_GZ,
  expectPreviews,
  explore,
  HOUR_AGO_MS,
  landedRows,
  letRetryDelaysPass,
  PEOPLE_CSV,
  runNow,
  testConnection,
} from '../../support/flow-journey.js';
import { closedPort } from '../../support/storage-contract.js';

const HDFS = '54e221aa-d342-4707-bcff-7a4bceef0001';
const AUTH = 'Anonymous Authentication';
const BIG_ROWS = 20_000;

describe('HDFS source through the Flow Service API (fake WebHDFS)', () => {
  let t: TestPlatform;
  let server: FakeWebHdfs;
  let connectionId: string;

  beforeAll(async () => {
    server = await startFakeWebHdfs({ listLimit: 2 });
    server.fs.put('/landing/people/people.csv', PEOPLE_CSV, HOUR_AGO_MS);
    server.fs.put('/landing/people/events.jsonl.gz', EVENTS_JSONL_GZ, HOUR_AGO_MS);
    server.fs.put('/landing/people/archive/old.csv', PEOPLE_CSV, HOUR_AGO_MS);
    server.fs.put('/landing/big/big.csv', bigCsv(BIG_ROWS), HOUR_AGO_MS);
    t = await startTestPlatform({ database: 'pglite' });
    connectionId = await createConnection(t, HDFS, AUTH, { url: `${server.url}/webhdfs/v1` });
  });

  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  it('lists the HDFS connection spec', async () => {
    const spec = (await t.call('GET', `/data/foundation/flowservice/connectionSpecs/${HDFS}`)).json();
    const body = spec.items?.[0] ?? spec;
    expect(body.authSpec.map((a: { name: string }) => a.name)).toEqual([AUTH]);
  });

  it('tests the connection, and tells an unreachable name node apart', async () => {
    expect(await testConnection(t, connectionId)).toEqual({ status: 200 });
    const down = await createConnection(t, HDFS, AUTH, { url: `http://127.0.0.1:${await closedPort()}` });
    expect(await testConnection(t, down)).toMatchObject({ status: 400, code: 'FLOW-3002' });
  });

  it('explores the root and a folder, and previews a CSV and a gzip JSON-lines file', async () => {
    const root = await explore(t, connectionId, 'objectType=root');
    expect(root.body).toEqual([{ type: 'folder', name: 'landing', path: '/landing', canPreview: false, canFetchSchema: false }]);
    const folder = await explore(t, connectionId, 'objectType=folder&object=/landing/people');
    expect(folder.body).toEqual([
      { type: 'folder', name: 'archive', path: '/landing/people/archive', canPreview: false, canFetchSchema: false },
      { type: 'file', name: 'events.jsonl.gz', path: '/landing/people/events.jsonl.gz', canPreview: true, canFetchSchema: true },
      { type: 'file', name: 'people.csv', path: '/landing/people/people.csv', canPreview: true, canFetchSchema: true },
    ]);
    await expectPreviews(t, connectionId, '/landing/people/people.csv', '/landing/people/events.jsonl.gz');
    expect((await explore(t, connectionId, 'objectType=folder&object=/landing/nope')).status).toBe(404);
  });

  it('runs a flow to a successful batch', async () => {
    const { flowId, dataSetId } = await createFlow(t, { connectionId, specId: HDFS, path: '/landing/people/*.csv', recursive: true });
    const run = await runNow(t, flowId);
    expect(run.metrics.statusSummary.status, JSON.stringify(run)).toBe('success');
    expect(run.metrics.fileSummary).toMatchObject({ inputFileCount: 2 });
    expect(run.metrics.recordSummary).toMatchObject({ inputRecordCount: 6, outputRecordCount: 6, failedRecordCount: 0 });
    expect(Object.values(await batchesOf(t, dataSetId)).map((b) => b.status)).toEqual(['success']);
    expect(await landedRows(t, dataSetId)).toEqual(['p1:Ada', 'p1:Ada', 'p2:Bob', 'p2:Bob', 'p3:Cy', 'p3:Cy']);
  });

  it('fails a run cleanly when the data node keeps dropping the transfer mid-file, and takes the file whole on the next run', async () => {
    const { flowId, dataSetId } = await createFlow(t, { connectionId, specId: HDFS, path: '/landing/big/big.csv' });
    // Every transfer of big.csv breaks at the same byte: resuming makes no progress, the read gives up.
    server.cutTransfer('/landing/big/big.csv', 250_000);
    const failed = await runNow(t, flowId);
    expect(failed.metrics.statusSummary.status, JSON.stringify(failed)).toBe('failed');
    expect(JSON.stringify(failed.metrics.statusSummary)).toMatch(/gave up at byte 250000/);
    expect(failed.metrics.recordSummary).toMatchObject({ outputRecordCount: 0 });
    expect(Object.values(await batchesOf(t, dataSetId)).filter((b) => b.status === 'success')).toEqual([]);
    expect(await landedRows(t, dataSetId)).toEqual([]);
    // The connector did try again from where the transfer broke before giving up.
    expect(server.requests.filter((r) => r === 'datanode OPEN /landing/big/big.csv 250000').length).toBeGreaterThan(0);

    // Once the storage behaves, a single drop is resumed and the whole file lands, once.
    server.clearFaults();
    server.cutTransfer('/landing/big/big.csv', 100_000, 1);
    // The failure was transient: the file is taken again once its retry delay has passed.
    await letRetryDelaysPass(t, flowId);
    const ok = await runNow(t, flowId);
    expect(ok.metrics.statusSummary.status, JSON.stringify(ok)).toBe('success');
    expect(ok.metrics.recordSummary).toMatchObject({ inputRecordCount: BIG_ROWS, outputRecordCount: BIG_ROWS });
    const rows = await landedRows(t, dataSetId);
    expect(rows).toHaveLength(BIG_ROWS);
    expect(new Set(rows).size).toBe(BIG_ROWS);
  });
});
