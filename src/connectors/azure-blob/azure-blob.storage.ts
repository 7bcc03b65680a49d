import type { BlobItem, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { baseName, childPath, isAddressableName, joinSegments, pathSegments } from '../files/path.js';
import { folderEntry, namedFolders, sortedEntries } from '../files/listing.js';
import { azureError, azureRangedRead, bareEtag } from '../azure-shared/index.js';

/** Where a storage path lands: in a container… */
interface ContainerLocation {
  /** The normalised storage path. */
  path: string;
  container: string;
  /** The blob name, or "" for the container's root. */
  name: string;
  /** Whether this is the top of what the connection may see. */
  isRoot: boolean;
}

/** …or "/" of a connection that is not confined to one container: the list of containers. */
interface ContainersLocation {
  path: '/';
  container: null;
  name: '';
  isRoot: true;
}

type Location = ContainerLocation | ContainersLocation;

export interface BlobStorageOptions {
  /** The one container the connection sees; absent: the first path segment is the container. */
  container?: string;
  /** Name prefix inside `container`: "" or "a/b/". */
  folderPrefix?: string;
  /** Names per listing request (the service's maximum, and default, is 5000). */
  pageSize?: number;
}

/**
 * An Azure Blob Storage account (or one container of it). Folders are the service's virtual
 * directories: name prefixes up to a "/", listed with the "/" delimiter, page by page. Directory
 * blobs of accounts with a hierarchical namespace (metadata hdi_isfolder=true) count as folders,
 * so the same class serves ADLS Gen2 through its blob endpoint.
 */
export class AzureBlobStorage implements FileStorage {
  private readonly container: string | undefined;
  private readonly folderPrefix: string;
  private readonly pageSize: number;

  constructor(
    private readonly service: BlobServiceClient,
    options: BlobStorageOptions = {},
  ) {
    this.container = options.container;
    this.folderPrefix = options.folderPrefix ?? '';
    this.pageSize = options.pageSize ?? 5000;
  }

  async check(): Promise<void> {
    if (this.container === undefined) {
      await this.firstContainers(1);
      return;
    }
    // Lists rather than reads properties: a HEAD error has no body, and listing is what exploring needs.
    const client = this.service.getContainerClient(this.container);
    try {
      await client.listBlobsFlat({ prefix: this.folderPrefix }).byPage({ maxPageSize: 1 }).next();
    } catch (error) {
      throw azureError(error, `Listing container ${this.container}`);
    }
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return sortedEntries(this.streamChildren(folder));
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    yield* location.container === null ? namedFolders(this.containerNames()) : this.children(location);
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    const location = this.locate(folder);
    if (location.container === null) {
      if (!options.recursive) return; // no files live beside containers
      for await (const name of this.containerNames()) yield* this.walk(childPath('/', name), options);
      return;
    }
    if (!options.recursive) {
      for await (const entry of this.children(location)) if (entry.type === 'file') yield entry;
      return;
    }
    const client = this.service.getContainerClient(location.container);
    const prefix = prefixOf(location.name);
    let seen = 0;
    try {
      for await (const page of client.listBlobsFlat({ prefix, includeMetadata: true }).byPage({ maxPageSize: this.pageSize })) {
        for (const blob of page.segment.blobItems) {
          seen++;
          if (blob.name.endsWith('/') || isDirectoryBlob(blob)) continue;
          const relative = blob.name.slice(prefix.length).split('/');
          if (relative.every(isAddressableName)) yield fileEntry(joinSegments([...pathSegments(location.path), ...relative]), blob);
        }
      }
    } catch (error) {
      throw azureError(error, `Listing ${location.container}/${prefix}`);
    }
    if (seen === 0) await this.assertFolder(location);
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const location = this.locate(path);
    if (location.container === null) return folderEntry('/');
    const client = this.service.getContainerClient(location.container);
    try {
      if (location.name === '') {
        if (location.isRoot && this.container !== undefined) return folderEntry(location.path);
        await client.getProperties();
        return folderEntry(location.path);
      }
      try {
        const properties = await client.getBlobClient(location.name).getProperties();
        if (properties.metadata?.hdi_isfolder === 'true') return folderEntry(location.path);
        return fileEntry(location.path, {
          properties: { contentLength: properties.contentLength, lastModified: properties.lastModified ?? new Date(0), etag: properties.etag ?? '' },
        });
      } catch (error) {
        if (azureError(error, '').failure !== 'not_found') throw error;
      }
      if (location.isRoot) return folderEntry(location.path);
      return (await hasBlobsUnder(client, prefixOf(location.name))) ? folderEntry(location.path) : null;
    } catch (error) {
      const failure = azureError(error, `Reading ${location.container}/${location.name}`);
      if (failure.failure === 'not_found') return null;
      throw failure;
    }
  }

  async read(path: string): Promise<Readable> {
    const location = this.locate(path);
    if (location.container === null || location.name === '') throw new ConnectorError('not_found', `${location.path} is not a file`);
    const blob = this.service.getContainerClient(location.container).getBlobClient(location.name);
    return azureRangedRead(`${location.container}/${location.name}`, async (offset, etag) => {
      const response = await blob.download(offset, undefined, {
        // Resumed by azureRangedRead; the SDK's own retry gives up on the first dropped connection.
        maxRetryRequests: 0,
        ...(etag ? { conditions: { ifMatch: etag } } : {}),
      });
      return { body: response.readableStreamBody, length: response.contentLength, etag: response.etag };
    });
  }

  async close(): Promise<void> {
    // The clients hold no resources beyond pooled keep-alive sockets, which time out by themselves.
  }

  private locate(path: string): Location {
    const segments = pathSegments(path);
    const normalised = joinSegments(segments);
    if (this.container !== undefined) {
      const name = segments.length === 0 ? this.folderPrefix.slice(0, -1) : this.folderPrefix + segments.join('/');
      return { path: normalised, container: this.container, name, isRoot: segments.length === 0 };
    }
    const [container, ...rest] = segments;
    if (container === undefined) return { path: '/', container: null, name: '', isRoot: true };
    return { path: normalised, container, name: rest.join('/'), isRoot: false };
  }

  /** Direct children of a folder, streamed page by page with the "/" delimiter. */
  private async *children(location: ContainerLocation): AsyncIterable<StorageEntry> {
    const client = this.service.getContainerClient(location.container);
    const prefix = prefixOf(location.name);
    // Directory blobs (hierarchical namespace) and their "name/" prefix are one folder.
    const directoryBlobs = new Set<string>();
    let seen = 0;
    try {
      for await (const page of client.listBlobsByHierarchy('/', { prefix, includeMetadata: true }).byPage({ maxPageSize: this.pageSize })) {
        for (const blobPrefix of page.segment.blobPrefixes ?? []) {
          seen++;
          const name = blobPrefix.name.slice(prefix.length, -1);
          if (isAddressableName(name) && !directoryBlobs.has(name)) yield folderEntry(childPath(location.path, name));
        }
        for (const blob of page.segment.blobItems) {
          seen++;
          const name = blob.name.slice(prefix.length);
          if (name === '') continue; // the folder's own marker blob ("a/b/")
          if (!isAddressableName(name)) continue;
          if (isDirectoryBlob(blob)) {
            directoryBlobs.add(name);
            yield folderEntry(childPath(location.path, name));
          } else {
            yield fileEntry(childPath(location.path, name), blob);
          }
        }
      }
    } catch (error) {
      throw azureError(error, `Listing ${location.container}/${prefix}`);
    }
    if (seen === 0) await this.assertFolder(location);
  }

  /** An empty listing: fine for a root or an empty directory blob, not_found otherwise. */
  private async assertFolder(location: ContainerLocation): Promise<void> {
    if (location.isRoot) return;
    if (location.name === '') {
      // A container's root: exists when the container does (the listing would have failed otherwise).
      return;
    }
    const entry = await this.stat(location.path);
    if (entry?.type !== 'folder') throw new ConnectorError('not_found', `No folder at ${location.path}`);
  }

  private async *containerNames(): AsyncIterable<string> {
    try {
      for await (const page of this.service.listContainers().byPage({ maxPageSize: this.pageSize })) {
        for (const container of page.containerItems) if (isAddressableName(container.name)) yield container.name;
      }
    } catch (error) {
      throw azureError(error, 'Listing containers');
    }
  }

  private async firstContainers(count: number): Promise<void> {
    try {
      await this.service.listContainers().byPage({ maxPageSize: count }).next();
    } catch (error) {
      throw azureError(error, 'Listing containers');
    }
  }
}

function prefixOf(name: string): string {
  return name === '' ? '' : `${name}/`;
}

async function hasBlobsUnder(client: ContainerClient, prefix: string): Promise<boolean> {
  const page = await client.listBlobsFlat({ prefix }).byPage({ maxPageSize: 1 }).next();
  return !page.done && page.value.segment.blobItems.length > 0;
}

function isDirectoryBlob(blob: Pick<BlobItem, 'metadata'>): boolean {
  return blob.metadata?.hdi_isfolder === 'true';
}

function fileEntry(path: string, blob: { properties: { contentLength?: number | undefined; lastModified: Date; etag: string } }): StorageEntry {
  const { contentLength, lastModified, etag } = blob.properties;
  const tag = bareEtag(etag);
  return {
    type: 'file',
    name: baseName(path),
    path,
    ...(contentLength !== undefined ? { size: contentLength } : {}),
    ...(lastModified && lastModified.getTime() > 0 ? { modifiedAt: lastModified.getTime() } : {}),
    ...(tag ? { etag: tag } : {}),
  };
}
