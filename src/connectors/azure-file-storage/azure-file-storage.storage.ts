import type { ShareDirectoryClient, ShareServiceClient } from '@azure/storage-file-share';
import type { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { childPath, isAddressableName, joinSegments, pathSegments } from '../files/path.js';
import { folderEntry, namedFolders, sortedEntries } from '../files/listing.js';
import { azureError, azureErrorCode, azureFileEntry, azureRangedRead } from '../azure-shared/index.js';

interface ShareLocation {
  path: string;
  share: string;
  /** Directory segments inside the share (the file's own name last, for a file). */
  parts: string[];
  isRoot: boolean;
}

interface SharesLocation {
  path: '/';
  share: null;
  parts: [];
  isRoot: true;
}

type Location = ShareLocation | SharesLocation;

export interface FileShareStorageOptions {
  share?: string;
  folder?: string[];
  /** Entries per listing request (the service's maximum is 5000). */
  pageSize?: number;
}

/**
 * An Azure Files account (or one share of it) over the File service REST API. Unlike blob
 * storage, directories are real: each is listed on its own, page by page with markers, and a
 * recursive walk goes directory by directory, holding only the directories still to visit.
 */
export class AzureFileShareStorage implements FileStorage {
  private readonly share: string | undefined;
  private readonly folder: string[];
  private readonly pageSize: number;

  constructor(
    private readonly service: ShareServiceClient,
    options: FileShareStorageOptions = {},
  ) {
    this.share = options.share;
    this.folder = options.folder ?? [];
    this.pageSize = options.pageSize ?? 5000;
  }

  async check(): Promise<void> {
    if (this.share === undefined) {
      try {
        await this.service.listShares().byPage({ maxPageSize: 1 }).next();
      } catch (error) {
        throw azureError(error, 'Listing shares');
      }
      return;
    }
    const location = this.locate('/') as ShareLocation;
    try {
      await this.directory(location).listFilesAndDirectories().byPage({ maxPageSize: 1 }).next();
    } catch (error) {
      throw azureError(error, `Listing ${describe(location)}`);
    }
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return sortedEntries(this.streamChildren(folder));
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    yield* location.share === null ? namedFolders(this.shareNames()) : this.children(location);
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    if (location.share === null) {
      if (!options.recursive) return;
      for await (const name of this.shareNames()) yield* this.walk(childPath('/', name), options);
      return;
    }
    // Depth first, one directory listing open at a time; sub-folders wait on a stack.
    const pending: ShareLocation[] = [location];
    while (pending.length > 0) {
      const current = pending.pop()!;
      const folders: ShareLocation[] = [];
      try {
        for await (const entry of this.children(current)) {
          if (entry.type === 'file') yield entry;
          else if (options.recursive) folders.push(this.locate(entry.path) as ShareLocation);
        }
      } catch (error) {
        // A sub-folder removed while we walk is simply no longer there.
        if (current === location || !(error instanceof ConnectorError && error.failure === 'not_found')) throw error;
      }
      pending.push(...folders.reverse());
    }
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const location = this.locate(path);
    if (location.share === null) return folderEntry('/');
    const shareClient = this.service.getShareClient(location.share);
    try {
      if (location.parts.length === 0) {
        if (!(location.isRoot && this.share !== undefined)) await shareClient.getProperties();
        return folderEntry(location.path);
      }
      try {
        const properties = await this.file(location).getProperties();
        return azureFileEntry(location.path, {
          contentLength: properties.contentLength,
          lastModified: properties.lastModified,
          etag: properties.etag,
        });
      } catch (error) {
        // A directory's URL is not a file's: the service answers 404 or a type mismatch.
        if (azureError(error, '').failure !== 'not_found' && (error as { statusCode?: number }).statusCode !== 409) throw error;
      }
      await this.directory(location).getProperties();
      return folderEntry(location.path);
    } catch (error) {
      const failure = azureError(error, `Reading ${describe(location)}`);
      // A name Azure Files cannot hold (`*`, `?`…, as wildcard patterns have) names nothing.
      if (failure.failure === 'not_found' || azureErrorCode(error) === 'InvalidResourceName' || (error as { statusCode?: number }).statusCode === 409)
        return null;
      throw failure;
    }
  }

  async read(path: string): Promise<Readable> {
    const location = this.locate(path);
    if (location.share === null || location.parts.length === 0) throw new ConnectorError('not_found', `${location.path} is not a file`);
    const file = this.file(location);
    // Azure Files has no If-Match on reads: azureRangedRead compares each response's ETag instead.
    return azureRangedRead(describe(location), async (offset) => {
      const response = await file.download(offset, undefined, { maxRetryRequests: 0 });
      return { body: response.readableStreamBody, length: response.contentLength, etag: response.etag };
    });
  }

  async close(): Promise<void> {}

  private locate(path: string): Location {
    const segments = pathSegments(path);
    const normalised = joinSegments(segments);
    if (this.share !== undefined) return { path: normalised, share: this.share, parts: [...this.folder, ...segments], isRoot: segments.length === 0 };
    const [share, ...parts] = segments;
    if (share === undefined) return { path: '/', share: null, parts: [], isRoot: true };
    return { path: normalised, share, parts, isRoot: false };
  }

  private directory(location: ShareLocation): ShareDirectoryClient {
    const share = this.service.getShareClient(location.share);
    return location.parts.length === 0 ? share.rootDirectoryClient : share.getDirectoryClient(location.parts.join('/'));
  }

  private file(location: ShareLocation) {
    const name = location.parts.at(-1);
    if (name === undefined) throw new ConnectorError('not_found', `${location.path} is not a file`);
    const share = this.service.getShareClient(location.share);
    const parent = location.parts.length === 1 ? share.rootDirectoryClient : share.getDirectoryClient(location.parts.slice(0, -1).join('/'));
    return parent.getFileClient(name);
  }

  /** A directory's entries, page by page (markers), each with its size, time and ETag. */
  private async *children(location: ShareLocation): AsyncIterable<StorageEntry> {
    const listing = this.directory(location).listFilesAndDirectories({ includeTimestamps: true, includeEtag: true });
    try {
      for await (const page of listing.byPage({ maxPageSize: this.pageSize })) {
        for (const directory of page.segment.directoryItems) {
          if (isAddressableName(directory.name)) yield folderEntry(childPath(location.path, directory.name));
        }
        for (const file of page.segment.fileItems) {
          if (!isAddressableName(file.name)) continue;
          yield azureFileEntry(childPath(location.path, file.name), {
            contentLength: file.properties.contentLength,
            lastModified: file.properties.lastModified ?? file.properties.lastWriteTime,
            etag: file.properties.etag,
          });
        }
      }
    } catch (error) {
      const failure = azureError(error, `Listing ${describe(location)}`);
      // Listing a file as if it were a directory: there is no such folder.
      if ((error as { statusCode?: number }).statusCode === 409) throw new ConnectorError('not_found', `No folder at ${location.path}`);
      throw failure;
    }
  }

  private async *shareNames(): AsyncIterable<string> {
    try {
      for await (const page of this.service.listShares().byPage({ maxPageSize: this.pageSize })) {
        for (const share of page.shareItems ?? []) if (isAddressableName(share.name)) yield share.name;
      }
    } catch (error) {
      throw azureError(error, 'Listing shares');
    }
  }
}

function describe(location: ShareLocation): string {
  return [location.share, ...location.parts].join('/');
}
