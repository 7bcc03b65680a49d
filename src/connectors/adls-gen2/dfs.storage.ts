import type { DataLakeServiceClient } from '@azure/storage-file-datalake';
import type { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { childPath, isAddressableName, joinSegments, pathSegments } from '../files/path.js';
import { folderEntry, namedFolders, sortedEntries } from '../files/listing.js';
import { azureError, azureFileEntry, azureRangedRead } from '../azure-shared/index.js';

interface FileSystemLocation {
  path: string;
  fileSystem: string;
  /** The path inside the file system, or "" for its root. */
  name: string;
  isRoot: boolean;
}

interface FileSystemsLocation {
  path: '/';
  fileSystem: null;
  name: '';
  isRoot: true;
}

type Location = FileSystemLocation | FileSystemsLocation;

export interface DfsStorageOptions {
  fileSystem?: string;
  folderPrefix?: string;
  /** Paths per listing request (the service's maximum is 5000). */
  pageSize?: number;
}

/**
 * An ADLS Gen2 account through its dfs endpoint: real directories, listed with List Paths page
 * by page (the continuation token rides in a response header), recursively in one listing.
 */
export class DfsStorage implements FileStorage {
  private readonly fileSystem: string | undefined;
  private readonly folderPrefix: string;
  private readonly pageSize: number;

  constructor(
    private readonly service: DataLakeServiceClient,
    options: DfsStorageOptions = {},
  ) {
    this.fileSystem = options.fileSystem;
    this.folderPrefix = options.folderPrefix ?? '';
    this.pageSize = options.pageSize ?? 5000;
  }

  async check(): Promise<void> {
    if (this.fileSystem === undefined) {
      try {
        await this.service.listFileSystems().byPage({ maxPageSize: 1 }).next();
      } catch (error) {
        throw azureError(error, 'Listing file systems');
      }
      return;
    }
    await this.probe();
  }

  /** One List Paths request at the connection's root: proves the dfs endpoint answers. Throws the raw SDK error. */
  async probeRaw(fileSystem: string): Promise<void> {
    const folder = this.fileSystem === fileSystem ? this.folderPrefix.slice(0, -1) : '';
    await this.service
      .getFileSystemClient(fileSystem)
      .listPaths({ ...(folder ? { path: folder } : {}), recursive: false })
      .byPage({ maxPageSize: 1 })
      .next();
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return sortedEntries(this.streamChildren(folder));
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    yield* location.fileSystem === null ? namedFolders(this.fileSystemNames()) : this.paths(location, false);
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    if (location.fileSystem === null) {
      if (!options.recursive) return;
      for await (const name of this.fileSystemNames()) yield* this.walk(childPath('/', name), options);
      return;
    }
    for await (const entry of this.paths(location, options.recursive)) if (entry.type === 'file') yield entry;
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const location = this.locate(path);
    if (location.fileSystem === null) return folderEntry('/');
    const fileSystem = this.service.getFileSystemClient(location.fileSystem);
    if (location.isRoot && this.fileSystem !== undefined) return folderEntry(location.path);
    try {
      if (location.name === '') {
        await fileSystem.getProperties();
        return folderEntry(location.path);
      }
      // Directories are blobs too, marked with hdi_isfolder.
      const properties = await fileSystem.getFileClient(location.name).getProperties();
      if (properties.metadata?.hdi_isfolder === 'true') return folderEntry(location.path);
      return azureFileEntry(location.path, { contentLength: properties.contentLength, lastModified: properties.lastModified, etag: properties.etag });
    } catch (error) {
      const failure = azureError(error, `Reading ${location.fileSystem}/${location.name}`);
      if (failure.failure === 'not_found') return null;
      throw failure;
    }
  }

  async read(path: string): Promise<Readable> {
    const location = this.locate(path);
    if (location.fileSystem === null || location.name === '') throw new ConnectorError('not_found', `${location.path} is not a file`);
    const file = this.service.getFileSystemClient(location.fileSystem).getFileClient(location.name);
    return azureRangedRead(`${location.fileSystem}/${location.name}`, async (offset, etag) => {
      const response = await file.read(offset, undefined, { maxRetryRequests: 0, ...(etag ? { conditions: { ifMatch: etag } } : {}) });
      return { body: response.readableStreamBody, length: response.contentLength, etag: response.etag };
    });
  }

  async close(): Promise<void> {}

  private locate(path: string): Location {
    const segments = pathSegments(path);
    const normalised = joinSegments(segments);
    if (this.fileSystem !== undefined) {
      const name = segments.length === 0 ? this.folderPrefix.slice(0, -1) : this.folderPrefix + segments.join('/');
      return { path: normalised, fileSystem: this.fileSystem, name, isRoot: segments.length === 0 };
    }
    const [fileSystem, ...rest] = segments;
    if (fileSystem === undefined) return { path: '/', fileSystem: null, name: '', isRoot: true };
    return { path: normalised, fileSystem, name: rest.join('/'), isRoot: false };
  }

  /** The paths under a directory, page by page; List Paths names them from the file system's root. */
  private async *paths(location: FileSystemLocation, recursive: boolean): AsyncIterable<StorageEntry> {
    const fileSystem = this.service.getFileSystemClient(location.fileSystem);
    const prefix = location.name === '' ? '' : `${location.name}/`;
    try {
      const listing = fileSystem.listPaths({ ...(location.name ? { path: location.name } : {}), recursive });
      for await (const page of listing.byPage({ maxPageSize: this.pageSize })) {
        for (const item of page.pathItems ?? []) {
          if (!item.name?.startsWith(prefix)) continue;
          const relative = item.name.slice(prefix.length).split('/');
          if (!relative.every(isAddressableName)) continue;
          const path = joinSegments([...pathSegments(location.path), ...relative]);
          yield item.isDirectory ? folderEntry(path) : azureFileEntry(path, item);
        }
      }
    } catch (error) {
      const failure = azureError(error, `Listing ${location.fileSystem}/${location.name}`);
      // The connection's own root exists even when its folder has not been made yet.
      if (failure.failure === 'not_found' && location.isRoot && location.name !== '') return;
      throw failure;
    }
  }

  private async *fileSystemNames(): AsyncIterable<string> {
    try {
      for await (const page of this.service.listFileSystems().byPage({ maxPageSize: this.pageSize })) {
        for (const fileSystem of page.fileSystemItems ?? []) if (isAddressableName(fileSystem.name)) yield fileSystem.name;
      }
    } catch (error) {
      throw azureError(error, 'Listing file systems');
    }
  }

  private async probe(): Promise<void> {
    try {
      await this.probeRaw(this.fileSystem!);
    } catch (error) {
      const failure = azureError(error, `Listing ${this.fileSystem}`);
      if (failure.failure === 'not_found' && this.folderPrefix !== '') {
        // A missing folder under an existing file system: the root is still reachable.
        await this.service
          .getFileSystemClient(this.fileSystem!)
          .getProperties()
          .catch((inner) => {
            throw azureError(inner, `Reading ${this.fileSystem}`);
          });
        return;
      }
      throw failure;
    }
  }
}
