import type { Readable } from 'node:stream';
import type { FileStorage, StorageEntry } from '../sdk.js';
import { azureError, azureErrorCode } from '../azure-shared/index.js';
import { AzureBlobStorage } from '../azure-blob/index.js';
import type { AdlsSettings } from './adls-settings.js';
import { DfsStorage } from './dfs.storage.js';

export type AdlsEndpoint = 'dfs' | 'blob';

/** Error codes with which a blob-only service answers dfs requests. */
const NOT_A_DFS_ENDPOINT = new Set([
  'EndpointUnsupportedAccountFeatures',
  'UnsupportedHttpVerb',
  'InvalidUri',
  'InvalidQueryParameterValue',
  'FeatureNotSupported',
]);

/**
 * An ADLS Gen2 account: through its dfs endpoint when that answers, else through its blob
 * endpoint, which serves the same data (multi-protocol access) with virtual directories.
 *
 * Which one is decided once per opened storage, by one List Paths request (a dfs-only operation):
 * a network failure, or an answer without an error code or with one a blob-only service gives
 * (an emulator such as Azurite answers an empty 400), means the dfs endpoint is not there.
 * Credentials and permission errors are not taken as that: they are reported as they are.
 */
export class AdlsGen2Storage implements FileStorage {
  private readonly dfs: DfsStorage;
  private readonly blob: AzureBlobStorage;
  private chosen: Promise<FileStorage> | null = null;
  private endpoint: AdlsEndpoint | null = null;

  constructor(
    private readonly settings: AdlsSettings,
    options: { pageSize?: number } = {},
  ) {
    const confinement = { ...(settings.fileSystem !== undefined ? { fileSystem: settings.fileSystem } : {}), folderPrefix: settings.folderPrefix };
    this.dfs = new DfsStorage(settings.dfs, { ...confinement, ...options });
    this.blob = new AzureBlobStorage(settings.blob, {
      ...(settings.fileSystem !== undefined ? { container: settings.fileSystem } : {}),
      folderPrefix: settings.folderPrefix,
      ...options,
    });
  }

  /** The endpoint in use, once one has been chosen. */
  async endpointInUse(): Promise<AdlsEndpoint> {
    await this.driver();
    return this.endpoint!;
  }

  async check(): Promise<void> {
    return (await this.driver()).check();
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return (await this.driver()).list(folder);
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const driver = await this.driver();
    yield* driver.streamChildren ? driver.streamChildren(folder) : await driver.list(folder);
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    yield* (await this.driver()).walk(folder, options);
  }

  async stat(path: string): Promise<StorageEntry | null> {
    return (await this.driver()).stat(path);
  }

  async read(path: string): Promise<Readable> {
    return (await this.driver()).read(path);
  }

  async close(): Promise<void> {
    await Promise.all([this.dfs.close(), this.blob.close()]);
  }

  private driver(): Promise<FileStorage> {
    if (!this.chosen) {
      this.chosen = this.choose().then(
        (endpoint) => {
          this.endpoint = endpoint;
          return endpoint === 'dfs' ? this.dfs : this.blob;
        },
        (error) => {
          this.chosen = null; // a failed probe (bad credentials, host down) decides nothing
          throw error;
        },
      );
    }
    return this.chosen;
  }

  private async choose(): Promise<AdlsEndpoint> {
    if (this.settings.blobOnly) return 'blob';
    let fileSystem = this.settings.fileSystem;
    if (fileSystem === undefined) {
      // List File Systems is a blob-endpoint operation in the SDK, so it cannot tell; it finds a
      // file system to ask List Paths of, and reports bad credentials on its own.
      const first = await this.settings.blob
        .listContainers()
        .byPage({ maxPageSize: 1 })
        .next()
        .catch((error) => {
          throw azureError(error, 'Listing file systems');
        });
      fileSystem = first.done ? undefined : first.value.containerItems[0]?.name;
      if (fileSystem === undefined) return 'blob'; // nothing to ask; both endpoints list nothing alike
    }
    try {
      await this.dfs.probeRaw(fileSystem);
      return 'dfs';
    } catch (error) {
      if (isDfsUnavailable(error)) return 'blob';
      const failure = azureError(error, `Listing ${fileSystem}`);
      // A missing file system or folder is the dfs endpoint answering: it is there.
      if (failure.failure === 'not_found') return 'dfs';
      throw failure;
    }
  }
}

function isDfsUnavailable(error: unknown): boolean {
  const failure = azureError(error, '');
  if (failure.failure === 'unreachable') return true;
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  const code = azureErrorCode(error);
  if (code !== undefined) return NOT_A_DFS_ENDPOINT.has(code);
  return status === 400 || status === 404 || status === 405 || status === 501;
}
