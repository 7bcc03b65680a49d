import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalLake, S3Lake, type Lake } from '../../src/lake/index.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';

/** The same promises, checked on both backends: the local folder and an S3-compatible bucket (a real s3rver). */

const where = {
  orgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg',
  sandboxId: '2f0a5a56-2b7b-4f55-9b5e-3a3f6a1f0c11',
  datasetId: '65a1b2c3d4e5f60718293a4b',
};
const batch = { ...where, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y6' };
const other = { ...where, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y9' };
const BUCKET = 'tributary-lake';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

interface Backend {
  name: string;
  setup(): Promise<void>;
  open(local: string): Lake;
  teardown(): Promise<void>;
}

let s3: S3rverHandle | undefined;
const s3Client = () => s3!.client();

const backends: Backend[] = [
  { name: 'local folder', setup: async () => undefined, open: (local) => new LocalLake(local), teardown: async () => undefined },
  {
    name: 's3 (s3rver)',
    async setup() {
      s3 = await startS3rver();
      await s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    },
    open: (local) =>
      new S3Lake({
        bucket: BUCKET,
        // Each test gets its own prefix, so tests never see each other's objects.
        prefix: `lake-${randomBytes(4).toString('hex')}/x`,
        localDir: local,
        endpoint: s3!.endpoint,
        accessKeyId: s3!.accessKeyId,
        secretAccessKey: s3!.secretAccessKey,
      }),
    async teardown() {
      await s3?.stop();
    },
  },
];

describe.each(backends)('lake on $name', (backend) => {
  let local: string;
  let lake: Lake;
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(() => {
    local = mkdtempSync(join(tmpdir(), 'tributary-lake-'));
    lake = backend.open(local);
  });
  afterEach(() => rmSync(local, { recursive: true, force: true }));

  it('keeps staged files out of sight until the commit, then shows the whole batch', async () => {
    const staging = await lake.stage(batch);
    expect(staging.dir.startsWith(local)).toBe(true);
    writeFileSync(join(staging.dir, 'part-00000.parquet'), 'first');
    mkdirSync(join(staging.dir, 'city=Paris'));
    writeFileSync(join(staging.dir, 'city=Paris', 'part-00001.parquet'), 'second!');
    writeFileSync(join(staging.dir, '.tmp-writer'), 'hidden');

    expect(await lake.listFiles(batch)).toEqual([]);
    expect((await lake.datasetFiles(where)).paths).toEqual([]);
    await expect(lake.readFile(batch, 'part-00000.parquet')).rejects.toMatchObject({ failure: 'not_found' });

    const files = await staging.commit();
    expect(files).toEqual([
      { name: 'city=Paris/part-00001.parquet', size: 7 },
      { name: 'part-00000.parquet', size: 5 },
    ]);
    expect(await lake.listFiles(batch)).toEqual(files);
    expect(existsSync(staging.dir)).toBe(false);
    expect(await text(await lake.readFile(batch, 'city=Paris/part-00001.parquet'))).toBe('second!');
    // DuckDB reads local paths: whatever the backend, datasetFiles gives readable local files.
    const paths = (await lake.datasetFiles(where)).paths;
    expect(paths).toHaveLength(2);
    expect(paths.map((p) => readFileSync(p, 'utf8')).sort()).toEqual(['first', 'second!']);
    expect((await lake.datasetFiles(where, [batch.batchId])).paths).toHaveLength(2);
    expect((await lake.datasetFiles(where, [other.batchId])).paths).toEqual([]);
    await expect(staging.commit()).rejects.toMatchObject({ failure: 'staging_closed' });
    await staging.discard();
    expect(await lake.listFiles(batch)).toHaveLength(2);
  });

  it('publishes table files outside batches under compacted/, reads them by path beside batch files, and removes them', async () => {
    const staging = await lake.stage(batch);
    writeFileSync(join(staging.dir, 'part-00000.parquet'), 'batch');
    await staging.commit();
    const table = await lake.stageTableFiles(where);
    expect(table.dir.startsWith(local)).toBe(true);
    writeFileSync(join(table.dir, 'c1.parquet'), 'compacted!');
    const published = await table.commit();
    expect(published).toEqual([{ name: 'compacted/c1.parquet', size: 10 }]);
    expect(existsSync(table.dir)).toBe(false);
    await expect(table.commit()).rejects.toMatchObject({ failure: 'staging_closed' });
    // Not a batch: a batch listing never shows it.
    expect((await lake.datasetFiles(where)).paths.map((p) => readFileSync(p, 'utf8'))).toEqual(['batch']);
    const read = await lake.tableFiles(where, [
      { path: 'compacted/c1.parquet', size: 10 },
      { path: `${batch.batchId}/part-00000.parquet`, size: 5 },
    ]);
    expect(read.paths.map((p) => readFileSync(p, 'utf8'))).toEqual(['compacted!', 'batch']);
    read.release();
    await expect(lake.tableFiles(where, [{ path: 'metadata/x.avro', size: 1 }])).rejects.toMatchObject({ failure: 'bad_name' });
    await expect(lake.tableFiles(where, [{ path: '../x/y.parquet', size: 1 }])).rejects.toMatchObject({ failure: 'bad_name' });

    await lake.removeTableFiles(where, ['compacted/c1.parquet']);
    // Gone: a local path that no longer exists, or (S3) no cached copy and nothing to download.
    const after = await lake.tableFiles(where, [{ path: 'compacted/c1.parquet', size: 10 }]).then(
      (f) => f.paths.filter((p) => existsSync(p)),
      () => [],
    );
    expect(after).toEqual([]);
    expect(await lake.listFiles(batch)).toHaveLength(1);
  });

  it('removes the table staging areas a dead rewrite left, only those old enough, and never a batch staging area', async () => {
    const abandoned = await lake.stageTableFiles(where);
    writeFileSync(join(abandoned.dir, 'c1.parquet'), 'half-written');
    const batchStaging = await lake.stage(batch);
    writeFileSync(join(batchStaging.dir, 'part-00000.parquet'), 'batch');
    // Younger than a day: another process may still be writing it.
    await lake.abandonTableStaging(24 * 3_600_000);
    expect(existsSync(join(abandoned.dir, 'c1.parquet'))).toBe(true);
    await lake.abandonTableStaging(0);
    expect(existsSync(abandoned.dir)).toBe(false);
    expect(readFileSync(join(batchStaging.dir, 'part-00000.parquet'), 'utf8')).toBe('batch');
    await batchStaging.commit();
    expect(await lake.listFiles(batch)).toEqual([{ name: 'part-00000.parquet', size: 5 }]);
  });

  it('refuses to commit over a batch already in the lake', async () => {
    const one = await lake.stage(batch);
    writeFileSync(join(one.dir, 'a.parquet'), 'a');
    const two = await lake.stage(batch);
    writeFileSync(join(two.dir, 'b.parquet'), 'b');
    await one.commit();
    await expect(two.commit()).rejects.toMatchObject({ failure: 'already_committed' });
    expect(await lake.listFiles(batch)).toEqual([{ name: 'a.parquet', size: 1 }]);
  });

  it('discards staging areas and upload areas without a trace', async () => {
    const staging = await lake.stage(batch);
    writeFileSync(join(staging.dir, 'part-0.parquet'), 'x');
    await staging.discard();
    expect(existsSync(staging.dir)).toBe(false);
    expect(await lake.listFiles(batch)).toEqual([]);
    await expect(staging.commit()).rejects.toMatchObject({ failure: 'staging_closed' });

    const uploads = await lake.uploadArea(batch);
    writeFileSync(join(uploads, 'f'), 'uploaded');
    const kept = await lake.stage(other);
    await lake.abandonStaging(batch.batchId);
    expect(existsSync(uploads)).toBe(false);
    expect(existsSync(kept.dir)).toBe(true);
  });

  it('removes a batch whole, and a dataset with every batch', async () => {
    for (const b of [batch, other]) {
      const s = await lake.stage(b);
      writeFileSync(join(s.dir, 'p.parquet'), b.batchId);
      await s.commit();
    }
    expect((await lake.datasetFiles(where)).paths).toHaveLength(2);
    await lake.removeBatch(other);
    expect(await lake.listFiles(other)).toEqual([]);
    await expect(lake.readFile(other, 'p.parquet')).rejects.toMatchObject({ failure: 'not_found' });
    expect((await lake.datasetFiles(where)).paths.map((p) => readFileSync(p, 'utf8'))).toEqual([batch.batchId]);
    await lake.removeBatch(other); // already gone: no error
    await lake.removeDataset(where);
    expect(await lake.listFiles(batch)).toEqual([]);
    expect((await lake.datasetFiles(where)).paths).toEqual([]);
  });

  it('reads a byte range, inclusive of its end, clamped to the file', async () => {
    const staging = await lake.stage(batch);
    writeFileSync(join(staging.dir, 'f.parquet'), '0123456789');
    await staging.commit();
    expect(await text(await lake.readFile(batch, 'f.parquet', { start: 2, end: 5 }))).toBe('2345');
    expect(await text(await lake.readFile(batch, 'f.parquet', { start: 8, end: 100 }))).toBe('89');
    expect(await text(await lake.readFile(batch, 'f.parquet'))).toBe('0123456789');
    await expect(lake.readFile(batch, 'f.parquet', { start: 5, end: 2 })).rejects.toMatchObject({ failure: 'bad_name' });
  });

  it('refuses ids and names that would leave their folder', async () => {
    for (const id of ['..', '.', '../x', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(200)]) {
      await expect(lake.stage({ ...batch, batchId: id })).rejects.toMatchObject({ failure: 'bad_name' });
      await expect(lake.uploadArea({ ...batch, batchId: id })).rejects.toMatchObject({ failure: 'bad_name' });
      await expect(lake.listFiles({ ...batch, orgId: id })).rejects.toMatchObject({ failure: 'bad_name' });
      await expect(lake.datasetFiles({ ...where, sandboxId: id })).rejects.toMatchObject({ failure: 'bad_name' });
      await expect(lake.datasetFiles(where, [id])).rejects.toMatchObject({ failure: 'bad_name' });
    }
    for (const name of ['../../../../etc/passwd', '/etc/passwd', 'a/../../b', 'a//b']) {
      await expect(lake.readFile(batch, name)).rejects.toMatchObject({ failure: 'bad_name' });
    }
    await expect(lake.abandonStaging('../..')).rejects.toMatchObject({ failure: 'bad_name' });
  });
});

describe('s3 lake specifics', () => {
  let local: string;
  beforeAll(async () => {
    s3 = await startS3rver();
    await s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(() => s3?.stop());
  beforeEach(() => (local = mkdtempSync(join(tmpdir(), 'tributary-lake-'))));
  afterEach(() => rmSync(local, { recursive: true, force: true }));

  const open = (prefix: string) =>
    new S3Lake({
      bucket: BUCKET,
      prefix,
      localDir: local,
      endpoint: s3!.endpoint,
      accessKeyId: s3!.accessKeyId,
      secretAccessKey: s3!.secretAccessKey,
    });

  it('ignores objects of a batch whose commit marker was never written (an upload cut short)', async () => {
    const lake = open('cut');
    // What a process that died midway through uploading leaves: data objects, no marker.
    await s3Client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `cut/data/${where.orgId}/${where.sandboxId}/${where.datasetId}/${batch.batchId}/part-00000.parquet`,
        Body: 'half',
      }),
    );
    expect(await lake.listFiles(batch)).toEqual([]);
    expect((await lake.datasetFiles(where)).paths).toEqual([]);
    await expect(lake.readFile(batch, 'part-00000.parquet')).rejects.toMatchObject({ failure: 'not_found' });
    // The batch can still be committed afterwards, and then it is whole.
    const staging = await lake.stage(batch);
    writeFileSync(join(staging.dir, 'part-00000.parquet'), 'whole');
    await staging.commit();
    expect(readFileSync((await lake.datasetFiles(where)).paths[0]!, 'utf8')).toBe('whole');
  });

  it('keeps the lake under its prefix and deletes every object of a removed dataset', async () => {
    const lake = open('pfx/deep');
    const staging = await lake.stage(batch);
    writeFileSync(join(staging.dir, 'a.parquet'), 'a');
    await staging.commit();
    const list = async () => (await s3Client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'pfx/' }))).Contents?.map((o) => o.Key) ?? [];
    expect((await list()).sort()).toEqual([
      `pfx/deep/commits/${where.orgId}/${where.sandboxId}/${where.datasetId}/${batch.batchId}.json`,
      `pfx/deep/data/${where.orgId}/${where.sandboxId}/${where.datasetId}/${batch.batchId}/a.parquet`,
    ]);
    await lake.removeDataset(where);
    expect(await list()).toEqual([]);
  });
});
