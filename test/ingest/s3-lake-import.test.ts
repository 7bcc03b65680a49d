import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE_BUCKET, s3LakeEnv, startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, completeBatch, count, makeDataset, upload } from './support.js';

/**
 * The whole path on the S3 lake (TRIBUTARY_LAKE=s3://…): import, Data Access download, SQL, REVERT, snapshot expiry
 * and orphan removal (the lake listed page by page, objects deleted), dataset deletion.
 */
describe('import, download and SQL with the lake in an S3 bucket', () => {
  let s3: S3rverHandle;
  let t: TestPlatform;
  let client: S3Client;
  const keys = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'tributary/' }))).Contents ?? []).map((o) => o.Key!);

  beforeAll(async () => {
    s3 = await startS3rver();
    client = s3.client();
    await s3.createBuckets(LAKE_BUCKET);
    t = await startTestPlatform({
      env: {
        ...s3LakeEnv(s3),
        TRIBUTARY_ORPHAN_MIN_AGE_MS: '0',
      },
    });
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    client?.destroy();
    await s3?.stop();
  });

  it('lands a batch in the bucket, serves it, queries it, and removes it', async () => {
    expect(t.platform.config.lake.kind).toBe('s3');
    const { datasetId } = await makeDataset(t, 'Bucket People');
    const batch = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json();
    await upload(t, 'PUT', `${IMPORT}/batches/${batch.id}/datasets/${datasetId}/files/a.json`, '{"_id":"b-1"}\n{"_id":"b-2"}\n');
    expect(await keys()).toEqual([]);
    expect((await completeBatch(t, batch.id)).status).toBe('success');
    const stored = await keys();
    expect(stored.some((k) => k.startsWith('tributary/commits/') && k.endsWith(`${batch.id}.json`))).toBe(true);
    expect(stored.some((k) => k.startsWith('tributary/data/') && k.endsWith('.parquet'))).toBe(true);

    const fileId = (await t.call('GET', `${EXPORT}/batches/${batch.id}/files`)).json().data[0].dataSetFileId;
    const name = (await t.call('GET', `${EXPORT}/files/${fileId}`)).json().data[0].name;
    const whole = await t.call('GET', `${EXPORT}/files/${fileId}?path=${name}`);
    expect(whole.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
    const part = await t.call('GET', `${EXPORT}/files/${fileId}?path=${name}`, undefined, { range: 'bytes=0-3' });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.toString()).toBe('PAR1');
    expect(await count(t, 'bucket_people')).toBe(2);

    // The dataset's Iceberg table lives in the bucket too: s3:// locations, read back by icebird through S3.
    const loaded = await t.app.inject({
      method: 'GET',
      url: '/iceberg/v1/prod/namespaces/datasets/tables/bucket_people',
      headers: { authorization: t.headers.authorization! },
    });
    expect(loaded.statusCode, loaded.body).toBe(200);
    const { 'metadata-location': location, metadata } = loaded.json();
    expect(location).toMatch(new RegExp(`^s3://lake/tributary/data/.*/${datasetId}/metadata/00000-.*\\.metadata\\.json$`));
    expect(metadata.snapshots).toHaveLength(1);
    expect(metadata.snapshots[0].summary).toMatchObject({ operation: 'append', 'tributary.batch-id': batch.id, 'total-records': '2' });
    // icebird turns s3://bucket/key into the bucket's virtual-host URL; those are answered from s3rver, never sent out.
    const restore = answerFileUrls({
      scheme: 'https://lake.s3.amazonaws.com/',
      read: async (url) => {
        const object = await client.send(
          new GetObjectCommand({ Bucket: 'lake', Key: decodeURIComponent(url.slice('https://lake.s3.amazonaws.com/'.length)) }),
        );
        return Buffer.from(await object.Body!.transformToByteArray());
      },
    });
    try {
      const rows = (await icebergRead({ tableUrl: metadata.location, metadata })) as Array<{ _id: string }>;
      expect(rows.map((r) => r._id).sort()).toEqual(['b-1', 'b-2']);
    } finally {
      restore();
    }

    expect((await t.call('POST', `${IMPORT}/batches/${batch.id}?action=REVERT`)).json().status).toBe('inactive');
    expect(await count(t, 'bucket_people')).toBe(0);
    // The batch's objects stay while the snapshot before the REVERT lists them (time travel reads them)...
    const outsideMetadata = async () => (await keys()).filter((k) => !k.includes(`/${datasetId}/metadata/`));
    expect((await outsideMetadata()).some((k) => k.endsWith('.parquet'))).toBe(true);
    // ...and expiry past that snapshot deletes them, commit marker included: what stays is the table's metadata.
    // An object under the table's root that nothing references goes too (here orphans need no age).
    const root = location.slice('s3://lake/'.length, location.indexOf('/metadata/'));
    await client.send(new PutObjectCommand({ Bucket: 'lake', Key: `${root}/metadata/stray.avro`, Body: 'stray' }));
    const later = Date.now() + t.platform.config.tables.snapshotRetentionMs + 60_000;
    const outcome = await t.platform.tableMaintenance.maintain(datasetId, later);
    expect(outcome).toMatchObject({ expiredSnapshots: 1, orphansDeleted: 1 });
    expect(await outsideMetadata()).toEqual([]);
    expect((await keys()).some((k) => k.endsWith('/stray.avro'))).toBe(false);
    expect(await count(t, 'bucket_people')).toBe(0);
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${datasetId}`)).statusCode).toBe(200);
    // Deleting the dataset drops its table, metadata and all.
    expect(await keys()).toEqual([]);
  });
});
