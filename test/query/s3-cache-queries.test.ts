import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, IMPORT, completeBatch, count, makeDataset, upload } from '../ingest/support.js';
import { LAKE_BUCKET, s3LakeEnv, startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait-for.js';

/**
 * SQL over an S3 lake whose read cache holds less than one file: each query still reads every file it needs
 * (pinned while it runs), and once it has answered, Query Service has let go of them and the cache is back under
 * its bound — nothing stays pinned by a query that ended.
 */
describe('SQL over an S3 lake with a read cache smaller than one file', () => {
  let s3: S3rverHandle;
  let t: TestPlatform;

  const cacheBytes = () => {
    const dir = join(t.home, 'lake-local', '_cache');
    if (!existsSync(dir)) return 0;
    return (readdirSync(dir, { recursive: true }) as string[])
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile())
      .reduce((sum, path) => sum + statSync(path).size, 0);
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    await s3.createBuckets(LAKE_BUCKET);
    t = await startTestPlatform({
      env: {
        ...s3LakeEnv(s3),
        TRIBUTARY_S3_CACHE_BYTES: '1',
      },
    });
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('answers every query in full, and keeps no file once the queries have ended', async () => {
    const { datasetId } = await makeDataset(t, 'Cached People');
    for (const [file, ids] of [
      ['a.json', ['c-1', 'c-2']],
      ['b.json', ['c-3']],
    ] as const) {
      const batch = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json();
      const body = ids.map((id) => JSON.stringify({ _id: id })).join('\n');
      await upload(t, 'PUT', `${IMPORT}/batches/${batch.id}/datasets/${datasetId}/files/${file}`, `${body}\n`);
      expect((await completeBatch(t, batch.id)).status).toBe('success');
    }

    // Two files of a few hundred bytes each against a 1-byte bound: both are read, every time.
    for (let i = 0; i < 3; i++) {
      expect(await count(t, 'cached_people')).toBe(3);
      await waitFor(() => cacheBytes() === 0, { what: 'the cache to be empty once the query ended' });
    }
    const preview = await t.call('GET', `/data/foundation/export/datasets/${datasetId}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    await waitFor(() => cacheBytes() === 0, { what: 'the cache to be empty once the preview ended' });
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${datasetId}`)).statusCode).toBe(200);
  });
});
