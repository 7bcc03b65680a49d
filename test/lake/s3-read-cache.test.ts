import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3Lake } from '../../src/lake/index.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The S3 lake's bounded read cache, against a real s3rver behind an HTTP proxy that counts (and, when asked, holds
 * or cuts) the downloads of data objects: the bound, the eviction order, pins, and one download per cold file.
 */

const where = {
  orgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg',
  sandboxId: '2f0a5a56-2b7b-4f55-9b5e-3a3f6a1f0c11',
  datasetId: '65a1b2c3d4e5f60718293a4b',
};
const BUCKET = 'tributary-cache';
const FILE = 1000; // bytes of each committed file

interface CountingProxy {
  endpoint: string;
  /** Paths of the data objects downloaded (GET), in order. */
  downloads: string[];
  /** Holds every data download until `release()`. */
  hold(): { release(): void };
  /** Cuts the next data download half-way. */
  cutNext(): void;
  stop(): Promise<void>;
}

async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let gate: Promise<void> | null = null;
  let cut = false;
  const downloads: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const isData = req.method === 'GET' && (req.url ?? '').includes('/data/');
    if (isData) {
      downloads.push(decodeURIComponent((req.url ?? '').split('?')[0]!));
      await gate;
    }
    const cutThis = isData && cut;
    if (cutThis) cut = false;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!cutThis) return void answer.pipe(res);
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => res.socket?.destroy());
          answer.destroy();
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    downloads,
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return {
        release: () => {
          gate = null;
          open();
        },
      };
    },
    cutNext: () => void (cut = true),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let s3: S3rverHandle;
let proxy: CountingProxy;
let local: string;

beforeAll(async () => {
  s3 = await startS3rver();
  await s3.createBuckets(BUCKET);
  proxy = await startCountingProxy(s3.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});
beforeEach(() => {
  local = mkdtempSync(join(tmpdir(), 'tributary-cache-'));
  proxy.downloads.length = 0;
});
afterEach(() => rmSync(local, { recursive: true, force: true }));

const warnings: string[] = [];
const open = (prefix: string, cacheBytes: number) =>
  new S3Lake({
    bucket: BUCKET,
    prefix,
    localDir: local,
    endpoint: proxy.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    cacheBytes,
    warn: (message) => void warnings.push(message),
  });

/** Commits one batch holding one file of FILE bytes; answers its batch id. */
async function commitBatch(lake: S3Lake, name: string): Promise<string> {
  const batchId = `01HZX3K9Q4W6V8B2N5M7R1T${name}`;
  const staging = await lake.stage({ ...where, batchId });
  writeFileSync(join(staging.dir, 'part-00000.parquet'), Buffer.alloc(FILE, name[0]));
  await staging.commit();
  return batchId;
}

/** Bytes of the files in the cache folder, as the disk sees them. */
function bytesOnDisk(): number {
  const dir = join(local, '_cache');
  if (!existsSync(dir)) return 0;
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .reduce((sum, path) => sum + statSync(path).size, 0);
}

const read = async (lake: S3Lake, batchId: string) => {
  const files = await lake.datasetFiles(where, [batchId]);
  expect(files.paths).toHaveLength(1);
  return { path: files.paths[0]!, release: files.release };
};

describe('the S3 lake read cache', () => {
  it('stays under its bound by removing the least recently used file first', async () => {
    const lake = open(`lru-${randomBytes(3).toString('hex')}`, 2.5 * FILE);
    const [a, b, c] = [await commitBatch(lake, 'AA1'), await commitBatch(lake, 'BB1'), await commitBatch(lake, 'CC1')];
    const pathOf: Record<string, string> = {};
    for (const id of [a, b]) {
      const file = await read(lake, id);
      pathOf[id] = file.path;
      file.release();
    }
    // A is read again: B is now the least recently used.
    const again = await read(lake, a);
    expect(readFileSync(again.path, 'utf8')).toBe('A'.repeat(FILE));
    again.release();
    const third = await read(lake, c);
    pathOf[c] = third.path;
    third.release();

    // Evicted files leave the index at once and the disk just after.
    await waitFor(() => !existsSync(pathOf[b]!), { what: 'B removed' });
    expect(existsSync(pathOf[a]!)).toBe(true);
    expect(existsSync(pathOf[c]!)).toBe(true);
    expect(bytesOnDisk()).toBe(2 * FILE);
    expect(lake.cacheStats()).toMatchObject({ bytes: 2 * FILE, files: 2, evictions: 1, hits: 1, downloads: 3 });
    // Three cold files, three downloads: the second read of A came from disk.
    expect(proxy.downloads).toHaveLength(3);

    // B evicted means B downloaded again, and then A (least recent now) is the one to go.
    const back = await read(lake, b);
    back.release();
    expect(proxy.downloads).toHaveLength(4);
    await waitFor(() => !existsSync(pathOf[a]!), { what: 'A removed' });
    expect(existsSync(pathOf[c]!)).toBe(true);
    lake.close();
  });

  it('never removes a file a reader holds: it goes over the bound, then shrinks back once released', async () => {
    const lake = open(`pin-${randomBytes(3).toString('hex')}`, 1.5 * FILE);
    const [a, b] = [await commitBatch(lake, 'AA2'), await commitBatch(lake, 'BB2')];
    warnings.length = 0;
    const heldA = await read(lake, a);
    const heldB = await read(lake, b);
    // Both are being read: neither may go, though together they exceed the bound.
    expect(readFileSync(heldA.path, 'utf8')).toBe('A'.repeat(FILE));
    expect(readFileSync(heldB.path, 'utf8')).toBe('B'.repeat(FILE));
    expect(lake.cacheStats()).toMatchObject({ bytes: 2 * FILE, pins: 2, evictions: 0 });
    expect(warnings).toEqual(['read cache over its bound: the files being read do not fit in it']);

    heldA.release();
    heldA.release(); // a second release changes nothing
    await waitFor(() => !existsSync(heldA.path));
    expect(existsSync(heldB.path)).toBe(true);
    expect(lake.cacheStats()).toMatchObject({ bytes: FILE, pins: 1, evictions: 1 });
    heldB.release();
    expect(existsSync(heldB.path)).toBe(true); // back under the bound: it stays for the next reader
    lake.close();
  });

  it('downloads a cold file once however many readers ask for it at the same time', async () => {
    const lake = open(`once-${randomBytes(3).toString('hex')}`, 10 * FILE);
    const a = await commitBatch(lake, 'AA3');
    const gate = proxy.hold();
    const readers = Array.from({ length: 5 }, () => lake.datasetFiles(where, [a]));
    // Every reader is waiting on the one download, held at the proxy.
    await waitFor(() => lake.cacheStats().pins === 5);
    expect(proxy.downloads).toHaveLength(1);
    gate.release();
    const all = await Promise.all(readers);
    expect(new Set(all.map((files) => files.paths[0]))).toHaveProperty('size', 1);
    expect(readFileSync(all[0]!.paths[0]!, 'utf8')).toBe('A'.repeat(FILE));
    expect(proxy.downloads).toHaveLength(1);
    expect(lake.cacheStats()).toMatchObject({ downloads: 1, pins: 5 });
    for (const files of all) files.release();
    expect(lake.cacheStats().pins).toBe(0);
    lake.close();
  });

  it('keeps nothing of a download cut short, and reads the file whole the next time', async () => {
    const lake = open(`cut-${randomBytes(3).toString('hex')}`, 10 * FILE);
    const a = await commitBatch(lake, 'AA4');
    proxy.cutNext();
    await expect(lake.datasetFiles(where, [a])).rejects.toThrow();
    expect(bytesOnDisk()).toBe(0);
    expect(lake.cacheStats()).toMatchObject({ bytes: 0, files: 0, pins: 0 });
    const file = await read(lake, a);
    expect(readFileSync(file.path, 'utf8')).toBe('A'.repeat(FILE));
    file.release();
    lake.close();
  });

  it('counts the files a previous process cached against the bound, and serves them without a download', async () => {
    const prefix = `restart-${randomBytes(3).toString('hex')}`;
    const first = open(prefix, 10 * FILE);
    const ids = [await commitBatch(first, 'AA5'), await commitBatch(first, 'BB5'), await commitBatch(first, 'CC5')];
    for (const id of ids) (await read(first, id)).release();
    first.close();
    expect(proxy.downloads).toHaveLength(3);
    // A half download left by a crash is removed on start.
    writeFileSync(join(local, '_cache', 'left.parquet.1a2b3c4d.part'), 'half');

    const second = open(prefix, 2 * FILE);
    const file = await read(second, ids[2]!);
    // Over the bound on start, the oldest file went; the newest was served from disk.
    expect(proxy.downloads).toHaveLength(3);
    expect(second.cacheStats()).toMatchObject({ bytes: 2 * FILE, files: 2, hits: 1, downloads: 0 });
    expect(existsSync(join(local, '_cache', 'left.parquet.1a2b3c4d.part'))).toBe(false);
    file.release();
    await waitFor(() => bytesOnDisk() === 2 * FILE);
    second.close();
  });

  it('removes a reverted batch from the cache, once its reader is done with it', async () => {
    const lake = open(`drop-${randomBytes(3).toString('hex')}`, 10 * FILE);
    const a = await commitBatch(lake, 'AA6');
    const held = await read(lake, a);
    await lake.removeBatch({ ...where, batchId: a });
    expect(readFileSync(held.path, 'utf8')).toBe('A'.repeat(FILE));
    expect((await lake.datasetFiles(where, [a])).paths).toEqual([]);
    held.release();
    await waitFor(() => !existsSync(held.path));
    expect(lake.cacheStats()).toMatchObject({ bytes: 0, files: 0 });
    lake.close();
  });
});
