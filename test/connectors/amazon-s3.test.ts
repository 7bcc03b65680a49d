import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type FileStorage } from '../../src/connectors/sdk.js';
import { amazonS3, AmazonS3Storage, parseS3Settings } from '../../src/connectors/amazon-s3/index.js';
import { selectFiles } from '../../src/connectors/files/index.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { closedPort, collect, failure } from '../support/storage-contract.js';

const BUCKET = 'acme-data';
const KEYS: Record<string, string> = {
  'top.csv': 'id\n0\n',
  'campaigns/summer/a.csv': 'id,name\n1,a\n',
  'campaigns/summer/b-premium.csv': 'id\n2\n',
  'campaigns/summer/notes.txt': 'hello',
  'campaigns/summer/deep/c.csv': 'id\n3\n',
  'campaigns/summer/deep/deeper/d-premium.csv': 'id\n4\n',
  'campaigns/summer/deep/deeper/e.csv': 'id\n5\n',
  'campaigns/summer/deep/deeper/f.csv': 'id\n6\n',
  'campaigns/winter/g.csv': 'id\n7\n',
  'campaigns/zeta.json': '{"z":1}',
  'empty-folder/': '', // a console-made folder marker
};

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
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await client.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
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
    const props = (amazonS3.spec.authSpec[0].spec as { properties: Record<string, { format?: string }> }).properties;
    expect(props.s3SecretKey.format).toBe('password');
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

    it('lists a bucket root and folders at depth 2 and more', async () => {
      const storage = open();
      expect((await storage.list('/acme-data')).map((e) => `${e.type}:${e.name}`)).toEqual([
        'folder:campaigns',
        'folder:empty-folder',
        'file:top.csv',
      ]);
      expect((await storage.list('/acme-data/campaigns')).map((e) => `${e.type}:${e.name}`)).toEqual([
        'folder:summer',
        'folder:winter',
        'file:zeta.json',
      ]);
      expect((await storage.list('/acme-data/campaigns/summer/')).map((e) => `${e.type}:${e.path}`)).toEqual([
        'folder:/acme-data/campaigns/summer/deep',
        'file:/acme-data/campaigns/summer/a.csv',
        'file:/acme-data/campaigns/summer/b-premium.csv',
        'file:/acme-data/campaigns/summer/notes.txt',
      ]);
      expect((await storage.list('/acme-data/campaigns/summer/deep')).map((e) => `${e.type}:${e.name}`)).toEqual([
        'folder:deeper',
        'file:c.csv',
      ]);
      expect(await storage.list('/acme-data/empty-folder')).toEqual([]);
      const file = (await storage.list('/acme-data/campaigns/summer')).find((e) => e.name === 'a.csv')!;
      expect(file).toMatchObject({ size: 12 });
      expect(file.modifiedAt).toBeGreaterThan(0);
      expect(file.etag).toMatch(/^[0-9a-f]{32}$/);
    });

    it('fails with not_found for a missing folder or bucket', async () => {
      const storage = open();
      expect(await failure(storage.list('/acme-data/nope'))).toBe('not_found');
      expect(await failure(storage.list('/no-such-bucket'))).toBe('not_found');
      expect(await storage.stat('/no-such-bucket')).toBeNull();
    });

    it('walks, recursively or not', async () => {
      const storage = open();
      expect(await collect(storage.walk('/acme-data/campaigns/summer', { recursive: false }))).toEqual([
        '/acme-data/campaigns/summer/a.csv',
        '/acme-data/campaigns/summer/b-premium.csv',
        '/acme-data/campaigns/summer/notes.txt',
      ]);
      const all = await collect(storage.walk('/acme-data/campaigns', { recursive: true }));
      expect(all).toHaveLength(9);
      expect(all).toContain('/acme-data/campaigns/summer/deep/deeper/d-premium.csv');
      expect(await collect(storage.walk('/', { recursive: false }))).toEqual([]);
      expect(await collect(storage.walk('/', { recursive: true }))).toHaveLength(10);
    });

    it('stats files, folders and buckets', async () => {
      const storage = open();
      expect(await storage.stat('/acme-data/campaigns/summer/a.csv')).toMatchObject({ type: 'file', name: 'a.csv', size: 12 });
      expect(await storage.stat('/acme-data/campaigns/summer/deep')).toEqual({
        type: 'folder',
        name: 'deep',
        path: '/acme-data/campaigns/summer/deep',
      });
      expect(await storage.stat('/acme-data')).toEqual({ type: 'folder', name: 'acme-data', path: '/acme-data' });
      expect(await storage.stat('/')).toMatchObject({ type: 'folder', path: '/' });
      expect(await storage.stat('/acme-data/campaigns/none.csv')).toBeNull();
    });

    it('reads the bytes of an object', async () => {
      const storage = open();
      const bytes = await buffer(await storage.read('/acme-data/campaigns/summer/deep/c.csv'));
      expect(bytes.equals(Buffer.from(KEYS['campaigns/summer/deep/c.csv']))).toBe(true);
      expect(await failure(storage.read('/acme-data/campaigns/none.csv'))).toBe('not_found');
      expect(await failure(storage.read('/no-such-bucket/x.csv'))).toBe('not_found');
    });

    it('selects files by wildcard', async () => {
      const storage = open();
      const select = (pattern: string, recursive = false) => collect(selectFiles(storage, pattern, { recursive }));
      expect(await select('/acme-data/campaigns/summer/*.csv')).toEqual([
        '/acme-data/campaigns/summer/a.csv',
        '/acme-data/campaigns/summer/b-premium.csv',
      ]);
      expect(await select('/acme-data/campaigns/*premium*.csv', true)).toEqual([
        '/acme-data/campaigns/summer/b-premium.csv',
        '/acme-data/campaigns/summer/deep/deeper/d-premium.csv',
      ]);
      expect(await select('/acme-data/campaigns/*/g.csv')).toEqual(['/acme-data/campaigns/winter/g.csv']);
      expect(await select('/acme-data/**/deeper/*.csv')).toHaveLength(3);
      expect(await select('/acme-data/campaigns/summer/a.csv')).toEqual(['/acme-data/campaigns/summer/a.csv']);
    });

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
