import { buffer } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/sdk.js';
import { hdfs, HdfsStorage, parseWebHdfsUrl } from '../../../src/connectors/hdfs/index.js';
import { selectFiles } from '../../../src/connectors/files/index.js';
import { startFakeWebHdfs, type FakeWebHdfs } from '../../support/fake-webhdfs/fake-webhdfs.js';
import { closedPort, collect, connectorError as failure } from '../../support/storage-contract.js';

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

describe('hdfs connector (against the fake WebHDFS)', () => {
  let server: FakeWebHdfs;
  const big = Buffer.alloc(1_000_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) % 251;

  beforeAll(async () => {
    // Three entries a page, so every listing below pages.
    server = await startFakeWebHdfs({ listLimit: 3 });
    server.fs.put('/data/in/a.csv', 'id\n1\n', 1_700_000_000_000);
    server.fs.put('/data/in/b.csv', 'id\n2\n');
    server.fs.put('/data/in/c.json', '{"id":3}\n');
    server.fs.put('/data/in/d.csv', 'id\n4\n');
    server.fs.put('/data/in/deep/e.csv', 'id\n5\n');
    server.fs.put('/data/in/deep/deeper/f.csv', 'id\n6\n');
    server.fs.put('/data/big.bin', big);
    server.fs.put('/data/name with space & ü.csv', 'id\n7\n');
    server.fs.mkdirs('/data/empty');
    server.fs.put('/secret/x.csv', 'id\n8\n');
    server.fs.deny('/secret');
  });

  afterEach(() => server.clearFaults());
  afterAll(async () => server?.stop());

  const open = () => new HdfsStorage(new URL(server.url), { retry: FAST_RETRY });

  it('declares the AEP spec', () => {
    expect(hdfs.spec.id).toBe('54e221aa-d342-4707-bcff-7a4bceef0001');
    expect(hdfs.spec.authSpec.map((a) => a.name)).toEqual(['Anonymous Authentication']);
    expect(hdfs.secretParams).toEqual([]);
  });

  it('checks, lists with LISTSTATUS_BATCH pages, and stats', async () => {
    const storage = open();
    await storage.check();
    server.requests.length = 0;
    expect((await storage.list('/data/in')).map((e) => `${e.type}:${e.path}`)).toEqual([
      'folder:/data/in/deep',
      'file:/data/in/a.csv',
      'file:/data/in/b.csv',
      'file:/data/in/c.json',
      'file:/data/in/d.csv',
    ]);
    // Five entries at three a page: the second page starts after the first page's last name.
    expect(server.requests).toEqual(['namenode LISTSTATUS_BATCH /data/in', 'namenode LISTSTATUS_BATCH /data/in']);
    expect((await storage.list('/')).map((e) => e.path)).toEqual(['/data', '/secret']);
    expect(await storage.list('/data/empty')).toEqual([]);
    expect(await storage.stat('/data/in/a.csv')).toEqual({
      type: 'file',
      name: 'a.csv',
      path: '/data/in/a.csv',
      size: 5,
      modifiedAt: 1_700_000_000_000,
    });
    expect(await storage.stat('/data/in/deep')).toEqual({ type: 'folder', name: 'deep', path: '/data/in/deep' });
    expect(await storage.stat('/data/none.csv')).toBeNull();
    expect((await storage.list('/data')).map((e) => e.name)).toContain('name with space & ü.csv');
    expect((await buffer(await storage.read('/data/name with space & ü.csv'))).toString()).toBe('id\n7\n');
  });

  it('walks and selects by wildcard', async () => {
    const storage = open();
    expect(await collect(storage.walk('/data/in', { recursive: false }))).toEqual([
      '/data/in/a.csv',
      '/data/in/b.csv',
      '/data/in/c.json',
      '/data/in/d.csv',
    ]);
    expect(await collect(storage.walk('/data/in', { recursive: true }))).toHaveLength(6);
    expect(await collect(selectFiles(storage, '/data/in/*.csv', { recursive: true }))).toEqual([
      '/data/in/a.csv',
      '/data/in/b.csv',
      '/data/in/d.csv',
      '/data/in/deep/deeper/f.csv',
      '/data/in/deep/e.csv',
    ]);
  });

  it('falls back to LISTSTATUS on a server without LISTSTATUS_BATCH', async () => {
    const old = await startFakeWebHdfs({ batchListing: false });
    try {
      old.fs.put('/x/1.csv', 'a');
      old.fs.put('/x/2.csv', 'b');
      const storage = new HdfsStorage(parseWebHdfsUrl(`${old.url}/webhdfs/v1/`), { retry: FAST_RETRY });
      expect((await storage.list('/x')).map((e) => e.name)).toEqual(['1.csv', '2.csv']);
      expect((await storage.list('/x')).map((e) => e.name)).toEqual(['1.csv', '2.csv']);
      // Learnt once: the second listing goes straight to LISTSTATUS.
      expect(old.requests).toEqual(['namenode LISTSTATUS_BATCH /x', 'namenode LISTSTATUS /x', 'namenode LISTSTATUS /x']);
    } finally {
      await old.stop();
    }
  });

  it('reads through the data node the name node redirects to', async () => {
    const storage = open();
    server.requests.length = 0;
    expect((await buffer(await storage.read('/data/big.bin'))).equals(big)).toBe(true);
    expect(server.requests).toEqual(['namenode OPEN /data/big.bin', 'datanode OPEN /data/big.bin 0']);
  });

  it('resumes a transfer the data node dropped, at the byte it reached', async () => {
    const storage = open();
    server.cutTransfer('/data/big.bin', 300_000, 1);
    server.requests.length = 0;
    expect((await buffer(await storage.read('/data/big.bin'))).equals(big)).toBe(true);
    expect(server.requests).toEqual([
      'namenode OPEN /data/big.bin',
      'datanode OPEN /data/big.bin 0',
      'namenode OPEN /data/big.bin',
      'datanode OPEN /data/big.bin 300000',
    ]);
  });

  it('fails the stream with a transient error when the transfer keeps breaking at the same byte', async () => {
    const storage = open();
    server.cutTransfer('/data/big.bin', 300_000);
    const stream = await storage.read('/data/big.bin');
    const error = await failure(buffer(stream));
    expect(error.failure).toBe('transient');
    expect(error.message).toMatch(/gave up at byte 300000/);
  });

  it('retries a name node in standby, then succeeds', async () => {
    const storage = open();
    server.failRequests({ op: 'GETFILESTATUS', status: 403, exception: 'StandbyException', times: 2 });
    expect(await storage.stat('/data/in/a.csv')).toMatchObject({ size: 5 });
    server.failRequests({ op: 'GETFILESTATUS', status: 500, exception: 'RuntimeException' });
    expect((await failure(storage.stat('/data/in/a.csv'))).failure).toBe('transient');
  });

  it('maps errors: missing, denied, not a folder, unreachable', async () => {
    const storage = open();
    expect((await failure(storage.list('/nope'))).failure).toBe('not_found');
    expect((await failure(storage.list('/data/in/a.csv'))).failure).toBe('not_found');
    expect((await failure(storage.read('/data/none.csv'))).failure).toBe('not_found');
    expect((await failure(storage.read('/data/in'))).failure).toBe('not_found');
    expect((await failure(storage.list('/secret'))).failure).toBe('permission_denied');
    expect((await failure(storage.read('/secret/x.csv'))).failure).toBe('permission_denied');
    expect((await failure(storage.read('/data/../secret/x.csv'))).failure).toBe('path_escape');
    const down = new HdfsStorage(new URL(`http://127.0.0.1:${await closedPort()}`), { retry: FAST_RETRY });
    expect((await failure(down.check())).failure).toBe('unreachable');
  });

  it('rejects a url that is not http(s)', () => {
    expect(() => hdfs.open({ url: 'hdfs://namenode:8020' })).toThrow(ConnectorError);
    expect(() => hdfs.open({})).toThrow(/url/);
  });
});
