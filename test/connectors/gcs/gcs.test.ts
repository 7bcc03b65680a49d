import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleCloudStorage, parseGcsSettings } from '../../../src/connectors/google-cloud-storage/index.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startS3rver, type S3rverHandle } from '../../support/s3rver.js';
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy.js';
import {
  batchesOf,
  bigCsv,
  createConnection,
  createFlow,
  EVENTS_JSONL_GZ,
  expectPeopleLand,
  expectPreviews,
  explore,
  landedRows,
  letRetryDelaysPass,
  PEOPLE_CSV,
  runNow,
  testConnection,
} from '../../support/flow-journey.js';
import { closedPort, connectorError as failure } from '../../support/storage-contract.js';

const GCS = '32e8f412-cdf7-464c-9885-78184cb113fd';
const AUTH = 'Basic Authentication for google-cloud';
const BUCKET = 'acme-gcs';
const BIG = bigCsv(40_000);
const SECRET = 'bGNzLWhtYWMtc2VjcmV0LWZvci10ZXN0cw+gcs1';

/**
 * GCS through its S3-interoperable endpoint, against s3rver standing in for
 * storage.googleapis.com (the connection's serviceUrl points at it). s3rver knows the HMAC-like
 * key pair S3RVER/S3RVER and refuses unknown access ids.
 */
describe('Google Cloud Storage source (HMAC keys, S3-interoperable API, against s3rver)', () => {
  let s3: S3rverHandle;
  let proxy: CuttingProxy;
  let t: TestPlatform;
  let params: Record<string, unknown>;
  let connectionId: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBuckets(BUCKET);
    const client = s3.client();
    const objects: Record<string, Buffer> = {
      'exports/people/people.csv': Buffer.from(PEOPLE_CSV),
      'exports/people/events.jsonl.gz': EVENTS_JSONL_GZ,
      'exports/big/big.csv': BIG,
      'readme.txt': Buffer.from('hello'),
    };
    for (const [Key, Body] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    client.destroy();
    const port = Number(new URL(s3.endpoint).port);
    proxy = await startCuttingProxy({ host: '127.0.0.1', port });
    // s3rver does not verify signatures, so any secret passes; a distinctive one can be searched for.
    params = { accessKeyId: s3.accessKeyId, secretAccessKey: SECRET, serviceUrl: s3.endpoint };
    t = await startTestPlatform({ database: 'pglite' });
    connectionId = await createConnection(t, GCS, AUTH, { ...params, bucketName: BUCKET });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await s3?.stop();
  });

  it('has the AEP spec, signs for GCS, and defaults to storage.googleapis.com', () => {
    expect(googleCloudStorage.spec.id).toBe(GCS);
    expect(googleCloudStorage.secretParams).toEqual(['secretAccessKey']);
    const settings = parseGcsSettings({ accessKeyId: 'GOOG1E…', secretAccessKey: 'x' });
    expect(settings.client).toMatchObject({
      endpoint: 'https://storage.googleapis.com',
      region: 'auto',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    expect(() => googleCloudStorage.open({ accessKeyId: 'a' })).toThrow(/secretAccessKey/);
  });

  it('tests the connection: good, unknown HMAC key, unreachable endpoint', async () => {
    expect(await testConnection(t, connectionId)).toEqual({ status: 200 });
    const badKey = await createConnection(t, GCS, AUTH, { ...params, accessKeyId: 'GOOG1ENOTAKEY' });
    expect(await testConnection(t, badKey)).toMatchObject({ status: 400, code: 'FLOW-3001' });
    const down = await createConnection(t, GCS, AUTH, { ...params, serviceUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(await testConnection(t, down)).toMatchObject({ status: 400, code: 'FLOW-3002' });
    // The secret is sealed: never shown back.
    const shown = await t.call('GET', `/data/foundation/flowservice/connections/${connectionId}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain(SECRET);
  });

  it('explores buckets, a bucket root and a folder, and previews a CSV and a gzip JSON-lines file', async () => {
    const unconfined = await createConnection(t, GCS, AUTH, params);
    expect((await explore(t, unconfined, 'objectType=root')).body).toEqual([
      { type: 'folder', name: BUCKET, path: `/${BUCKET}`, canPreview: false, canFetchSchema: false },
    ]);
    expect((await explore(t, connectionId, 'objectType=root')).body.map((e: { path: string }) => e.path)).toEqual(['/exports', '/readme.txt']);
    expect((await explore(t, connectionId, 'objectType=folder&object=/exports/people')).body).toEqual([
      { type: 'file', name: 'events.jsonl.gz', path: '/exports/people/events.jsonl.gz', canPreview: true, canFetchSchema: true },
      { type: 'file', name: 'people.csv', path: '/exports/people/people.csv', canPreview: true, canFetchSchema: true },
    ]);
    await expectPreviews(t, connectionId, '/exports/people/people.csv', '/exports/people/events.jsonl.gz');
  });

  it('runs a flow to a successful batch', async () => {
    await expectPeopleLand(t, { connectionId, specId: GCS, path: '/exports/people/*.csv' });
  });

  it('resumes an object read whose connection dropped mid-transfer, with a ranged GET', async () => {
    const storage = googleCloudStorage.open({ ...params, serviceUrl: `http://127.0.0.1:${proxy.port}`, bucketName: BUCKET });
    try {
      // Armed before the read: on a fast machine the whole object can cross the proxy before read() returns.
      proxy.cutAfter(150_000);
      const stream = await storage.read('/exports/big/big.csv');
      expect((await buffer(stream)).equals(BIG)).toBe(true);
      expect(proxy.cuts).toBe(1);

      // A link that keeps breaking: the read gives up with a transient failure.
      proxy.cutAfter(20_000, 1_000);
      const error = await failure(buffer(await storage.read('/exports/big/big.csv')));
      expect(error.failure).toBe('transient');
    } finally {
      proxy.disarm();
      await storage.close();
    }
  });

  it('lands nothing of a file whose transfers keep dropping, then takes it whole on the next run', async () => {
    const flaky = await createConnection(t, GCS, AUTH, { ...params, serviceUrl: `http://127.0.0.1:${proxy.port}`, bucketName: BUCKET });
    const { flowId, dataSetId } = await createFlow(t, { connectionId: flaky, specId: GCS, path: '/exports/big/big.csv' });
    // Listing and the first bytes pass; then every 30 kB the connection drops, far more often than a read tolerates.
    proxy.cutAfter(30_000, 1_000);
    const failed = await runNow(t, flowId);
    proxy.disarm();
    expect(failed.metrics.statusSummary.status, JSON.stringify(failed)).toBe('failed');
    expect(failed.metrics.recordSummary).toMatchObject({ outputRecordCount: 0 });
    expect(Object.values(await batchesOf(t, dataSetId)).filter((b) => b.status === 'success')).toEqual([]);
    expect(await landedRows(t, dataSetId)).toEqual([]);

    // The failure was transient: the file is taken again once its retry delay has passed.
    await letRetryDelaysPass(t, flowId);
    const ok = await runNow(t, flowId);
    expect(ok.metrics.statusSummary.status, JSON.stringify(ok)).toBe('success');
    expect(ok.metrics.recordSummary).toMatchObject({ inputRecordCount: 40_000, outputRecordCount: 40_000 });
    expect(await landedRows(t, dataSetId)).toHaveLength(40_000);
  });
});
