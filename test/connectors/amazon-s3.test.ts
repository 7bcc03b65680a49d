import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type FileStorage } from '../../src/connectors/sdk.js';
import { amazonS3, AmazonS3Storage, parseS3Settings } from '../../src/connectors/amazon-s3/index.js';
import { selectFiles } from '../../src/connectors/files/index.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { closedPort, collect, CONTAINER_TREE, containerTreeContract, failure } from '../support/storage-contract.js';

const BUCKET = 'acme-data';
const KEYS = CONTAINER_TREE;

describe('amazon-s3 connector (against s3rver)', () => {
  let s3: S3rverHandle;
  let params: Record<string, unknown>;
  const opened: FileStorage[] = [];
  const open = (extra: Record<string, unknown> = {}) => {
    const storage = amazonS3.open({ ...params, ...extra });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    params = { s3AccessKey: s3.accessKeyId, s3SecretKey: s3.secretAccessKey, serviceUrl: s3.endpoint };
    await s3.createBuckets(BUCKET, 'other-bucket');
    const client = s3.client();
    for (const [Key, Body] of Object.entries(KEYS)) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Buffer.from(Body) }));
    client.destroy();
  });

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await s3?.stop();
  });

  it('declares its secrets and the AEP spec id', () => {
    expect(amazonS3.spec.id).toBe('ecadc60c-7455-4d87-84dc-2a0e293d997b');
    expect(amazonS3.secretParams).toEqual(['s3SecretKey', 's3SessionToken']);
    const props = amazonS3.spec.authSpec[0]?.spec.properties as Record<string, { format?: string }> | undefined;
    expect(props?.s3SecretKey?.format).toBe('password');
  });

  describe('without bucketName: the first segment is the bucket', () => {
    it('checks, and lists buckets at the root', async () => {
      const storage = open();
      await storage.check();
      expect(await storage.list('/')).toEqual([
        { type: 'folder', name: 'acme-data', path: '/acme-data' },
        { type: 'folder', name: 'other-bucket', path: '/other-bucket' },
      ]);
    });

    containerTreeContract(() => open(), { etag: /^[0-9a-f]{32}$/, missing: 'no-such-bucket' });

    it('refuses path escapes before talking to S3', async () => {
      expect(await failure(open().read('/acme-data/../other-bucket/x'))).toBe('path_escape');
    });
  });

  describe('with bucketName and folderPath', () => {
    it('confines paths to the bucket and folder', async () => {
      const storage = open({ bucketName: BUCKET, folderPath: '/campaigns/summer/' });
      await storage.check();
      expect((await storage.list('/')).map((e) => e.path)).toEqual(['/deep', '/a.csv', '/b-premium.csv', '/notes.txt']);
      expect((await storage.list('/deep')).map((e) => e.path)).toEqual(['/deep/deeper', '/deep/c.csv']);
      expect(await collect(storage.walk('/deep', { recursive: true }))).toEqual([
        '/deep/c.csv',
        '/deep/deeper/d-premium.csv',
        '/deep/deeper/e.csv',
        '/deep/deeper/f.csv',
      ]);
      expect(await storage.stat('/')).toMatchObject({ type: 'folder', path: '/' });
      expect((await buffer(await storage.read('/a.csv'))).toString()).toBe(KEYS['campaigns/summer/a.csv']);
      expect(await collect(selectFiles(storage, '/*.txt', { recursive: false }))).toEqual(['/notes.txt']);
    });

    it('fails check with not_found when the bucket is missing', async () => {
      expect(await failure(open({ bucketName: 'no-such-bucket' }).check())).toBe('not_found');
    });
  });

  it('pages through listings and skips over big sub-folders', async () => {
    // Two keys a page: every listing below spans several pages, and the summer/deep sub-folder
    // (4 keys) ends a page, so the skip-ahead past it is exercised.
    const storage = new AmazonS3Storage(parseS3Settings({ ...params, bucketName: BUCKET }), { pageSize: 2 });
    opened.push(storage);
    expect((await storage.list('/campaigns/summer')).map((e) => e.name)).toEqual(['deep', 'a.csv', 'b-premium.csv', 'notes.txt']);
    expect((await storage.list('/campaigns')).map((e) => e.name)).toEqual(['summer', 'winter', 'zeta.json']);
    expect(await collect(storage.walk('/campaigns', { recursive: true }))).toHaveLength(9);
    expect((await storage.list('/')).map((e) => e.name)).toEqual(['campaigns', 'empty-folder', 'top.csv']);
  });

  it('reports an unknown access key as bad_credentials', async () => {
    // s3rver refuses unknown access keys but does not verify SigV4 signatures: a wrong secret passes.
    const storage = open({ s3AccessKey: 'NOT-A-KEY' });
    expect(await failure(storage.check())).toBe('bad_credentials');
    expect(await failure(open({ s3AccessKey: 'NOT-A-KEY', bucketName: BUCKET }).check())).toBe('bad_credentials');
  });

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort();
    const storage = open({ serviceUrl: `http://127.0.0.1:${port}` });
    expect(await failure(storage.check())).toBe('unreachable');
  });

  it('rejects incoherent params', () => {
    expect(() => amazonS3.open({ s3AccessKey: 'a' })).toThrow(ConnectorError);
    expect(() => amazonS3.open({ ...params, folderPath: '/x' })).toThrow(/bucketName/);
    expect(() => amazonS3.open({ ...params, serviceUrl: 'ftp://x' })).toThrow(ConnectorError);
    expect(parseS3Settings({ ...params, serviceUrl: 's3.eu-west-3.amazonaws.com' }).client.region).toBe('eu-west-3');
  });
});
