import type { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { baseName, childPath, isAddressableName, normalizePath } from '../files/path.js';
import { isNotFound, sortedEntries, walkFolders } from '../files/listing.js';
import { resumableRead, type RetryPolicy } from '../files/retry.js';
import { networkError } from './webhdfs-errors.js';
import { WebHdfsClient, type FileStatus, type WebHdfsOptions } from './webhdfs-client.js';

/** HDFS through WebHDFS, "/" being the file system's root. */
export class HdfsStorage implements FileStorage {
  private readonly client: WebHdfsClient;

  constructor(
    base: URL,
    private readonly options: WebHdfsOptions = {},
  ) {
    this.client = new WebHdfsClient(base, options);
  }

  async check(): Promise<void> {
    const root = await this.client.getFileStatus('/');
    if (root.type !== 'DIRECTORY') throw new ConnectorError('invalid_params', 'The root of the file system is not a folder');
    // Listing proves read access to the root, which a status alone does not.
    for await (const _ of this.client.listStatus('/')) break;
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return sortedEntries(this.children(normalizePath(folder)));
  }

  /** The direct children in HDFS's own (name) order, a LISTSTATUS_BATCH page at a time. */
  streamChildren(folder: string): AsyncIterable<StorageEntry> {
    return this.children(normalizePath(folder));
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    yield* walkFolders((path) => this.children(path), normalizePath(folder), options.recursive);
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const normalised = normalizePath(path);
    try {
      return entryOf(normalised, await this.client.getFileStatus(normalised));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(path: string): Promise<Readable> {
    const normalised = normalizePath(path);
    return resumableRead((offset) => this.client.open(normalised, offset), {
      what: `Reading ${normalised}`,
      classify: (error) => networkError(error, `Reading ${normalised}`, { datanode: true }),
      ...(this.options.retry ? { policy: this.options.retry } : {}),
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async *children(folder: string): AsyncIterable<StorageEntry> {
    for await (const status of this.client.listStatus(folder)) {
      // LISTSTATUS of a file answers that file itself.
      if (status.pathSuffix === '') throw new ConnectorError('not_found', `${folder} is a file, not a folder`);
      if (!isAddressableName(status.pathSuffix)) continue;
      const entry = entryOf(childPath(folder, status.pathSuffix), status);
      if (entry) yield entry;
    }
  }
}

function entryOf(path: string, status: FileStatus): StorageEntry | null {
  if (status.type === 'DIRECTORY') return { type: 'folder', name: baseName(path), path };
  // WebHDFS resolves symlinks on OPEN; a listing reports them as such, and they are rare (disabled by default).
  if (status.type !== 'FILE') return null;
  return { type: 'file', name: baseName(path), path, size: status.length, modifiedAt: status.modificationTime };
}
