import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { baseName, childPath, isAddressableName, joinSegments, pathSegments } from '../files/path.js';
import { isNotFound, sortedEntries, walkFolders } from '../files/listing.js';
import { DEFAULT_RETRY, resumableRead, type RetryPolicy } from '../files/retry.js';
import { sftpError } from './sftp-errors.js';
import { SftpPool } from './sftp-pool.js';
import type { SftpSettings } from './sftp-settings.js';

const SSH_FX_EOF = 1;

/**
 * A folder of an SFTP server, seen as a storage whose "/" is `folderPath` (or the login folder).
 * Listings read the directory handle a batch at a time; reads stream from an offset and resume
 * there when the connection drops. The server enforces what the user may read; `folderPath` is
 * where the connection looks, not a security boundary (`..` is refused all the same).
 */
export class SftpStorage implements FileStorage {
  private readonly pool: SftpPool;
  private root: Promise<string> | undefined;

  constructor(
    private readonly settings: SftpSettings,
    private readonly options: { retry?: RetryPolicy } = {},
  ) {
    this.pool = new SftpPool(settings, options.retry ?? DEFAULT_RETRY);
  }

  async check(): Promise<void> {
    const root = await this.remote('/');
    const stats = await this.pool.use(`Reading ${root}`, (sftp) => call<Stats>((cb) => sftp.stat(root, cb)));
    if (!stats.isDirectory()) throw new ConnectorError('invalid_params', `${root} is not a folder`);
    // Opening the folder proves the user may list it, which a stat alone does not.
    await this.pool.use(`Listing ${root}`, async (sftp) => {
      const handle = await call<Buffer>((cb) => sftp.opendir(root, cb));
      await call<void>((cb) => sftp.close(handle, cb));
    });
  }

  async list(folder: string): Promise<StorageEntry[]> {
    return sortedEntries(this.streamChildren(folder));
  }

  /** The direct children, a READDIR batch at a time (OpenSSH sends about a hundred names per batch). */
  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const path = joinSegments(pathSegments(folder));
    const remote = await this.remote(path);
    const lease = await this.leaseFor(`Listing ${path}`);
    let handle: Buffer | undefined;
    try {
      handle = await call<Buffer>((cb) => lease.sftp.opendir(remote, cb)).catch((error) => {
        throw sftpError(error, `Listing ${path}`);
      });
      for (;;) {
        const batch = await readdirBatch(lease.sftp, handle).catch((error) => {
          throw sftpError(error, `Listing ${path}`);
        });
        if (batch === null) return;
        for (const item of batch) {
          if (!isAddressableName(item.filename)) continue;
          const entry = await this.entryOf(lease.sftp, childPath(path, item.filename), posix.join(remote, item.filename), item.attrs);
          if (entry) yield entry;
        }
      }
    } finally {
      if (handle) lease.sftp.close(handle, () => undefined);
      lease.release();
    }
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    yield* walkFolders((path) => this.streamChildren(path), folder, options.recursive);
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const normalised = joinSegments(pathSegments(path));
    const remote = await this.remote(normalised);
    try {
      const stats = await this.pool.use(`Reading ${normalised}`, (sftp) => call<Stats>((cb) => sftp.stat(remote, cb)));
      return entryOf(normalised, stats);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(path: string): Promise<Readable> {
    const normalised = joinSegments(pathSegments(path));
    const remote = await this.remote(normalised);
    const what = `Reading ${normalised}`;
    let first: Stats | undefined;
    return resumableRead(
      async (offset) => {
        const lease = await this.pool.lease();
        let handle: Buffer | undefined;
        try {
          // Opened here, not lazily by the stream, so a missing or unreadable file rejects read() itself.
          handle = await call<Buffer>((cb) => lease.sftp.open(remote, 'r', cb));
          // fstat, each time: the size bounds the transfer, and a file that changed meanwhile must not be stitched together.
          const opened = handle;
          const stats = await call<Stats>((cb) => lease.sftp.fstat(opened, cb));
          if (!stats.isFile()) throw new ConnectorError('not_found', `${normalised} is not a file`);
          if (first && (stats.size !== first.size || stats.mtime !== first.mtime)) {
            throw new ConnectorError('transient', `${what}: the file changed while it was being read`);
          }
          first ??= stats;
          const stream = lease.sftp.createReadStream(remote, { handle, start: offset, autoClose: true });
          stream.once('close', () => lease.release());
          return { stream, length: stats.size - offset };
        } catch (error) {
          if (handle) lease.sftp.close(handle, () => undefined);
          lease.release();
          throw error;
        }
      },
      { what, classify: (error) => sftpError(error, what), ...(this.options.retry ? { policy: this.options.retry } : {}) },
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** The server path of a storage path. The root is resolved once: `folderPath`, or where the user lands on login. */
  private async remote(path: string): Promise<string> {
    this.root ??=
      this.settings.folderPath !== undefined
        ? Promise.resolve(this.settings.folderPath)
        : this.pool.use('Finding the login folder', (sftp) => call<string>((cb) => sftp.realpath('.', cb)));
    const root = await this.root.catch((error) => {
      this.root = undefined;
      throw error;
    });
    const segments = pathSegments(path);
    return segments.length === 0 ? root : posix.join(root, ...segments);
  }

  private async leaseFor(what: string) {
    try {
      return await this.pool.lease();
    } catch (error) {
      throw sftpError(error, what);
    }
  }

  /** A listed item; symbolic links are followed (and left out when they dangle or loop). */
  private async entryOf(sftp: SFTPWrapper, path: string, remote: string, attrs: Stats): Promise<StorageEntry | null> {
    if (!attrs.isSymbolicLink()) return entryOf(path, attrs);
    try {
      return entryOf(path, await call<Stats>((cb) => sftp.stat(remote, cb)));
    } catch {
      return null;
    }
  }
}

function entryOf(path: string, stats: Stats): StorageEntry | null {
  if (stats.isDirectory()) return { type: 'folder', name: baseName(path), path };
  if (stats.isFile()) return { type: 'file', name: baseName(path), path, size: stats.size, modifiedAt: stats.mtime * 1000 };
  return null;
}

/** One READDIR answer, or null at the end of the folder. */
async function readdirBatch(sftp: SFTPWrapper, handle: Buffer): Promise<FileEntryWithStats[] | null> {
  try {
    return await call<FileEntryWithStats[]>((cb) => sftp.readdir(handle, cb));
  } catch (error) {
    if ((error as { code?: unknown }).code === SSH_FX_EOF) return null;
    throw error;
  }
}

/** ssh2's callback API as a promise. */
function call<T>(start: (cb: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
