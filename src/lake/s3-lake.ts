import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LakeError } from './errors.js';
import { assertFileName, assertSegment, assertTablePath } from './ids.js';
import type { BatchLocation, BatchStaging, Lake, LakeFile, LocalFiles, TableFileRef, TableStaging } from './lake.js';
import { ReadCache, type CachedFile } from './read-cache.js';
import { walk } from './walk.js';
import { removeStagingAreas, TABLE_STAGING_PREFIX } from './staging-areas.js';
import { s3TableFiles } from './iceberg/s3-table-files.js';
import { batchFileUris, COMPACTED_FOLDER, type DatasetLocation, type LakeTable } from './table-format.js';

/** Where an S3 lake lives, and the local folder it stages batches in and caches files for DuckDB in. */
export interface S3LakeOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing "/" ("" for the bucket's root). */
  prefix: string;
  /** Local folder: staging areas (`_staging/`) and the read cache for SQL (`_cache/`). */
  localDir: string;
  /** Endpoint of an S3-compatible store (MinIO, s3rver…); path-style addressing is used with it. */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Bytes the local read cache may hold (`_cache/`); least recently used files go first. Default 10 GiB. */
  cacheBytes?: number;
  /** Told when the files being read hold more than the cache's bound. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

export const DEFAULT_CACHE_BYTES = 10 * 1024 ** 3;

interface Marker {
  files: LakeFile[];
  committed: number;
}

/** Parallel requests when uploading or deleting the objects of a batch. */
const PARALLEL = 8;

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

const isMissing = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * The lake in an S3-compatible bucket. A batch's files are uploaded under `data/…/{batchId}/`, then one marker
 * object `commits/…/{batchId}.json` listing them is written: readers only go through markers, so they see a
 * batch whole or not at all, whatever an interrupted upload left behind. Staging stays on local disk (DuckDB
 * writes there), and `datasetFiles` downloads committed files into a bounded local cache (src/lake/read-cache.ts)
 * because DuckDB here cannot read `s3://` paths. Committed files never change, so a cached copy of the right size is
 * current.
 */
export class S3Lake implements Lake {
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly cache: ReadCache;

  constructor(private readonly options: S3LakeOptions) {
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint.replace(/\/$/, ''), forcePathStyle: true } : {}),
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
      // Checksums only where S3 requires them: S3-compatible stores do not all know the newer headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client(config);
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.cache = new ReadCache({
      dir: join(options.localDir, '_cache'),
      maxBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
      ...(options.warn ? { warn: options.warn } : {}),
    });
  }

  /** The read cache's counters (bytes held, downloads, hits, evictions). */
  cacheStats() {
    return this.cache.stats();
  }

  get stagingRoot(): string {
    return join(this.options.localDir, '_staging');
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].filter((p) => p !== '').join('/');
  }

  private datasetParts(location: Omit<BatchLocation, 'batchId'>): string[] {
    return [
      assertSegment('org id', location.orgId),
      assertSegment('sandbox id', location.sandboxId),
      assertSegment('dataset id', location.datasetId),
    ];
  }

  private dataPrefix(location: BatchLocation): string {
    return `${this.key('data', ...this.datasetParts(location), assertSegment('batch id', location.batchId))}/`;
  }

  private markerKey(location: BatchLocation): string {
    return this.key('commits', ...this.datasetParts(location), `${assertSegment('batch id', location.batchId)}.json`);
  }

  /** Where a batch's files sit in the read cache: the same ids as in the bucket. */
  private cacheKey(location: BatchLocation): string {
    return [...this.datasetParts(location), assertSegment('batch id', location.batchId)].join('/');
  }

  /**
   * The dataset's Iceberg table: its root is the prefix the batches' objects sit under (`data/…/{datasetId}`), its
   * metadata files in `metadata/` there, so a dataset's removal takes its table with it.
   */
  table(location: DatasetLocation): LakeTable {
    const root = this.key('data', ...this.datasetParts(location));
    const uri = `s3://${this.options.bucket}/${root}`;
    return { location: uri, files: s3TableFiles(this.client, this.options.bucket, root), ...batchFileUris(uri) };
  }

  async stage(location: BatchLocation): Promise<BatchStaging> {
    this.markerKey(location); // checks the ids before anything is created
    const dir = join(this.stagingRoot, `${location.batchId}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return new S3Staging(dir, () => this.publish(location, dir));
  }

  async uploadArea(location: BatchLocation): Promise<string> {
    this.markerKey(location);
    const dir = join(this.stagingRoot, `${location.batchId}-uploads`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The marker of a committed batch, or null. */
  async marker(location: BatchLocation): Promise<Marker | null> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.markerKey(location) }));
      return JSON.parse(await result.Body!.transformToString()) as Marker;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Uploads the staged files, then writes the marker that makes them visible. Called by S3Staging.commit. */
  async publish(location: BatchLocation, dir: string): Promise<LakeFile[]> {
    if (await this.marker(location)) throw new LakeError('already_committed', 'batch is already committed in the lake');
    const files = await walk(dir);
    const prefix = this.dataPrefix(location);
    try {
      await this.upload(files, dir, prefix);
      const marker: Marker = { files, committed: Date.now() };
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.markerKey(location),
          Body: JSON.stringify(marker),
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      // Without a marker nobody reads these objects; removing them keeps the bucket clean.
      await this.deleteUnder(prefix).catch(() => undefined);
      throw error;
    }
    return files;
  }

  /** Uploads each of a local folder's `files` to `prefix` + its name; `uploaded` hears each key once it is stored. */
  private async upload(files: LakeFile[], dir: string, prefix: string, uploaded: (key: string) => void = () => undefined): Promise<void> {
    await inParallel(files, async (file) => {
      const key = prefix + file.name;
      await this.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: createReadStream(join(dir, file.name)), ContentLength: file.size }),
      );
      uploaded(key);
    });
  }

  async listFiles(location: BatchLocation): Promise<LakeFile[]> {
    return (await this.marker(location))?.files ?? [];
  }

  async readFile(location: BatchLocation, name: string, range?: { start: number; end: number }): Promise<Readable> {
    assertFileName(name);
    if (range && (range.start < 0 || range.end < range.start)) throw new LakeError('bad_name', 'invalid byte range');
    const file = (await this.listFiles(location)).find((f) => f.name === name);
    if (!file) throw new LakeError('not_found', `file not found: ${name}`);
    const end = range ? Math.min(range.end, file.size - 1) : undefined;
    const result = await this.client.send(
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: this.dataPrefix(location) + name,
        ...(range ? { Range: `bytes=${range.start}-${end}` } : {}),
      }),
    );
    return result.Body as Readable;
  }

  async datasetFiles(location: Omit<BatchLocation, 'batchId'>, batchIds?: string[]): Promise<LocalFiles> {
    const ids = batchIds ? batchIds.map((id) => assertSegment('batch id', id)) : await this.committedBatches(location);
    const held: CachedFile[] = [];
    const release = () => {
      for (const file of held) file.release();
    };
    try {
      for (const batchId of ids) {
        const batch = { ...location, batchId };
        const marker = await this.marker(batch);
        if (!marker) continue;
        for (const file of marker.files.filter((f) => f.name.endsWith('.parquet'))) {
          held.push(await this.cache.acquire(`${this.cacheKey(batch)}/${file.name}`, file.size, () => this.download(batch, file.name)));
        }
      }
    } catch (error) {
      release();
      throw error;
    }
    return { paths: held.map((file) => file.path), release };
  }

  /** The table's data files through the read cache, keyed as in the bucket below the dataset (`{batchId}/…`, `compacted/…`). */
  async tableFiles(location: DatasetLocation, files: TableFileRef[]): Promise<LocalFiles> {
    const parts = this.datasetParts(location);
    const held: CachedFile[] = [];
    const release = () => {
      for (const file of held) file.release();
    };
    try {
      for (const file of files) {
        const key = this.key('data', ...parts, assertTablePath(file.path));
        held.push(await this.cache.acquire(`${parts.join('/')}/${file.path}`, file.size, () => this.downloadKey(key)));
      }
    } catch (error) {
      release();
      throw error;
    }
    return { paths: held.map((file) => file.path), release };
  }

  async stageTableFiles(location: DatasetLocation): Promise<TableStaging> {
    const prefix = `${this.key('data', ...this.datasetParts(location), COMPACTED_FOLDER)}/`;
    const dir = join(this.stagingRoot, `${TABLE_STAGING_PREFIX}${location.datasetId}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return new S3Staging(dir, () => this.publishTableFiles(prefix, dir));
  }

  /** Uploads a table staging area's files under `prefix`; on a failure removes what it uploaded. */
  async publishTableFiles(prefix: string, dir: string): Promise<LakeFile[]> {
    const files = await walk(dir);
    const nested = files.find((file) => file.name.includes('/'));
    if (nested) throw new LakeError('bad_name', `a table file is written flat, not in folders: ${nested.name}`);
    const done: string[] = [];
    try {
      await this.upload(files, dir, prefix, (key) => done.push(key));
    } catch (error) {
      await inParallel(done, async (Key) => {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key }));
      }).catch(() => undefined);
      throw error;
    }
    return files.map((file) => ({ name: `${COMPACTED_FOLDER}/${file.name}`, size: file.size }));
  }

  async removeTableFiles(location: DatasetLocation, paths: string[]): Promise<void> {
    const parts = this.datasetParts(location);
    await inParallel(paths, async (path) => {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key('data', ...parts, assertTablePath(path)) }));
      await this.cache.drop(`${parts.join('/')}/${path}`);
    });
  }

  private async downloadKey(key: string): Promise<Readable> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    return result.Body as Readable;
  }

  private async download(location: BatchLocation, name: string): Promise<Readable> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.dataPrefix(location) + name }));
    return result.Body as Readable;
  }

  private async committedBatches(location: Omit<BatchLocation, 'batchId'>): Promise<string[]> {
    const prefix = `${this.key('commits', ...this.datasetParts(location))}/`;
    const keys = await this.keysUnder(prefix);
    return keys
      .map((k) => k.slice(prefix.length).replace(/\.json$/, ''))
      .filter((id) => !id.includes('/'))
      .sort();
  }

  async removeBatch(location: BatchLocation): Promise<void> {
    // The marker goes first: from then on no reader looks at the batch's objects.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.markerKey(location) }));
    await this.deleteUnder(this.dataPrefix(location));
    await this.cache.drop(this.cacheKey(location));
  }

  async removeDataset(location: Omit<BatchLocation, 'batchId'>): Promise<void> {
    const parts = this.datasetParts(location);
    await this.deleteUnder(`${this.key('commits', ...parts)}/`);
    await this.deleteUnder(`${this.key('data', ...parts)}/`);
    await this.cache.drop(parts.join('/'));
  }

  async abandonStaging(batchId: string): Promise<void> {
    assertSegment('batch id', batchId);
    await removeStagingAreas(this.stagingRoot, `${batchId}-`);
  }

  async abandonTableStaging(olderThanMs: number): Promise<void> {
    await removeStagingAreas(this.stagingRoot, TABLE_STAGING_PREFIX, olderThanMs);
  }

  /** Every key under a prefix (flat listing: S3-compatible stores disagree on delimiter listings below the top). */
  private async keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async deleteUnder(prefix: string): Promise<void> {
    const keys = await this.keysUnder(prefix);
    await inParallel(keys, async (Key) => {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key }));
    });
  }

  close(): void {
    this.client.destroy();
  }
}

/** A local folder whose files `publish` uploads once, on commit; the folder goes either way. */
class S3Staging implements BatchStaging, TableStaging {
  private state: 'open' | 'committed' | 'discarded' = 'open';

  constructor(
    readonly dir: string,
    private readonly publish: () => Promise<LakeFile[]>,
  ) {}

  async commit(): Promise<LakeFile[]> {
    if (this.state !== 'open') throw new LakeError('staging_closed', `staging area already ${this.state}`);
    const files = await this.publish();
    this.state = 'committed';
    await rm(this.dir, { recursive: true, force: true });
    return files;
  }

  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    await rm(this.dir, { recursive: true, force: true });
  }
}
