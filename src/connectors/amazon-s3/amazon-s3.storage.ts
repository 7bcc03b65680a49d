import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, S3Client, type _Object } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { baseName, childPath, compareEntries, isAddressableName, joinSegments, pathSegments } from '../files/path.js';
import { folderEntry } from '../files/listing.js';
import { resumableRead } from '../files/retry.js';
import { s3Error } from './s3-errors.js';
import { hasKeysUnder, listChildren, listObjects, type ScanProgress } from './s3-listing.js';
import type { S3Settings } from './s3-settings.js';

/** Where a storage path lands in S3: in a bucket… */
interface BucketLocation {
  /** The normalised storage path. */
  path: string;
  bucket: string;
  /** The object key, or "" for the bucket's root. */
  key: string;
  /** Whether this is the top of what the connection may see (never reported missing). */
  isRoot: boolean;
}

/** …or "/" of a connection that is not confined to one bucket: the list of buckets. */
interface BucketsLocation {
  path: '/';
  bucket: null;
  key: '';
  isRoot: true;
}

type Location = BucketLocation | BucketsLocation;

/**
 * An S3 (or S3-compatible) storage. With `bucketName`, "/" is that bucket (below `folderPath`);
 * without, the first path segment is the bucket and "/" lists the buckets — as AEP explores S3.
 */
export class AmazonS3Storage implements FileStorage {
  private readonly client: S3Client;

  /** `pageSize`: keys per listing request (S3's default and maximum is 1000). */
  constructor(
    private readonly settings: S3Settings,
    private readonly options: { pageSize?: number } = {},
  ) {
    this.client = new S3Client(settings.client);
  }

  async check(): Promise<void> {
    const { bucketName, folderPrefix } = this.settings;
    if (bucketName === undefined) {
      await this.bucketNames();
    } else {
      // Lists rather than HEADs the bucket: HEAD errors have no body, so bad credentials and
      // missing permissions would look alike.
      await hasKeysUnder(this.client, bucketName, folderPrefix);
    }
  }

  async list(folder: string): Promise<StorageEntry[]> {
    const location = this.locate(folder);
    if (location.bucket === null) {
      const names = await this.bucketNames();
      return names.map((name) => folderEntry(childPath('/', name))).sort(compareEntries);
    }
    const entries: StorageEntry[] = [];
    for await (const entry of this.children(location)) entries.push(entry);
    return entries.sort(compareEntries);
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    if (location.bucket === null) {
      for (const entry of await this.list(folder)) yield entry; // bucket lists are short and unpaged
      return;
    }
    yield* this.children(location);
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    if (location.bucket === null) {
      if (!options.recursive) return; // no files live beside buckets
      for (const name of await this.bucketNames()) yield* this.walk(childPath('/', name), options);
      return;
    }
    if (!options.recursive) {
      for await (const entry of this.children(location)) if (entry.type === 'file') yield entry;
      return;
    }
    const prefix = folderPrefix(location.key);
    const progress: ScanProgress = { keys: 0 };
    for await (const object of listObjects(this.client, location.bucket, prefix, progress, this.options.pageSize)) {
      const relative = object.Key!.slice(prefix.length).split('/');
      if (relative.every(isAddressableName)) yield fileEntry(joinSegments([...pathSegments(location.path), ...relative]), object);
    }
    this.assertFound(location, progress);
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const location = this.locate(path);
    if (location.bucket === null || (location.isRoot && this.settings.bucketName !== undefined)) return folderEntry(location.path);
    try {
      if (location.key === '') {
        await this.client.send(new HeadBucketCommand({ Bucket: location.bucket }));
        return folderEntry(location.path);
      }
      return await this.statObject(location);
    } catch (error) {
      const failure = s3Error(error, `Reading s3://${location.bucket}/${location.key}`);
      if (failure.failure === 'not_found') return null;
      throw failure;
    }
  }

  async read(path: string): Promise<Readable> {
    const location = this.locate(path);
    if (location.bucket === null || location.key === '') throw new ConnectorError('not_found', `${location.path} is not a file`);
    const { bucket, key } = location;
    const what = `Reading s3://${bucket}/${key}`;
    let etag: string | undefined;
    // A transfer that breaks is resumed with a ranged GET where it stopped; If-Match makes sure
    // the bytes that follow belong to the same version of the object.
    return resumableRead(
      async (offset) => {
        const resume = offset > 0 ? { Range: `bytes=${offset}-`, ...(etag ? { IfMatch: etag } : {}) } : {};
        const { Body, ContentLength, ETag } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...resume }));
        etag ??= ETag;
        // The Node request handler always answers with the response message itself, a Readable.
        if (!(Body instanceof Readable)) throw new ConnectorError('transient', `${what}: no readable body`);
        return { stream: Body, ...(ContentLength !== undefined ? { length: ContentLength } : {}) };
      },
      // The SDK already retries each request (maxAttempts); these attempts are about broken transfers.
      { what, classify: (error) => s3Error(error, what), policy: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 } },
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private locate(path: string): Location {
    const segments = pathSegments(path);
    const normalised = joinSegments(segments);
    const { bucketName, folderPrefix } = this.settings;
    if (bucketName !== undefined) {
      const key = segments.length === 0 ? folderPrefix.slice(0, -1) : folderPrefix + segments.join('/');
      return { path: normalised, bucket: bucketName, key, isRoot: segments.length === 0 };
    }
    const [bucket, ...rest] = segments;
    if (bucket === undefined) return { path: '/', bucket: null, key: '', isRoot: true };
    return { path: normalised, bucket, key: rest.join('/'), isRoot: false };
  }

  /** Direct children of a folder location, streamed. */
  private async *children(location: BucketLocation): AsyncIterable<StorageEntry> {
    const progress: ScanProgress = { keys: 0 };
    for await (const child of listChildren(this.client, location.bucket, folderPrefix(location.key), progress, this.options.pageSize)) {
      const path = childPath(location.path, child.name);
      yield child.type === 'folder' ? folderEntry(path) : fileEntry(path, child.object);
    }
    this.assertFound(location, progress);
  }

  /** A folder with no key under it does not exist in S3 — except the connection's own root and a bucket's root. */
  private assertFound(location: Location, progress: ScanProgress): void {
    if (progress.keys === 0 && !location.isRoot && location.key !== '') {
      throw new ConnectorError('not_found', `No folder at ${location.path}`);
    }
  }

  private async statObject(location: BucketLocation): Promise<StorageEntry | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return fileEntry(location.path, { Size: head.ContentLength, LastModified: head.LastModified, ETag: head.ETag });
    } catch (error) {
      if (s3Error(error, '').failure !== 'not_found') throw error;
    }
    return (await hasKeysUnder(this.client, location.bucket, folderPrefix(location.key))) ? folderEntry(location.path) : null;
  }

  private async bucketNames(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListBucketsCommand({ ContinuationToken: token }));
        for (const bucket of page.Buckets ?? []) if (bucket.Name) names.push(bucket.Name);
        token = page.ContinuationToken;
      } while (token);
    } catch (error) {
      throw s3Error(error, 'Listing buckets');
    }
    return names;
  }
}

function folderPrefix(key: string): string {
  return key === '' ? '' : `${key}/`;
}

function fileEntry(path: string, object: Pick<_Object, 'Size' | 'LastModified' | 'ETag'>): StorageEntry {
  return {
    type: 'file',
    name: baseName(path),
    path,
    ...(object.Size !== undefined ? { size: object.Size } : {}),
    ...(object.LastModified ? { modifiedAt: object.LastModified.getTime() } : {}),
    // S3 quotes its ETags; the quotes are transport, not value.
    ...(object.ETag ? { etag: object.ETag.replace(/^"|"$/g, '') } : {}),
  };
}
