import { constants, type Stats } from 'node:fs';
import { access, open, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { baseName, childPath, compareEntries, isAddressableName } from '../files/path.js';
import { ConfinedRoot, type RealRoot, type Resolved } from './confined-root.js';
import { fsError, isMissing } from './fs-errors.js';
import type { LocalRoots } from './local-roots.js';

/** A folder of the server's own disk, seen as a storage whose "/" is that folder. */
export class LocalFolderStorage implements FileStorage {
  private readonly root: ConfinedRoot;

  constructor(rootFolder: string, allowed: LocalRoots) {
    this.root = new ConfinedRoot(rootFolder, allowed);
  }

  async check(): Promise<void> {
    const realRoot = (await this.root.realRoot()).real;
    const stats = await stat(realRoot).catch((error) => {
      throw fsError(error, '/');
    });
    if (!stats.isDirectory()) throw new ConnectorError('invalid_params', 'The root path is not a folder');
    await access(realRoot, constants.R_OK | constants.X_OK).catch((error) => {
      throw fsError(error, '/');
    });
  }

  async list(folder: string): Promise<StorageEntry[]> {
    const dir = await this.folder(folder);
    const realRoot = await this.root.realRoot();
    const entries: StorageEntry[] = [];
    for await (const child of this.children(dir, realRoot)) entries.push(child.entry);
    return entries.sort(compareEntries);
  }

  async *streamChildren(folder: string): AsyncIterable<StorageEntry> {
    const dir = await this.folder(folder);
    for await (const child of this.children(dir, await this.root.realRoot())) yield child.entry;
  }

  async *walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
    const dir = await this.folder(folder);
    yield* this.walkFrom(dir, await this.root.realRoot(), options.recursive, new Set([dir.real]));
  }

  async stat(path: string): Promise<StorageEntry | null> {
    const resolved = await this.root.resolve(path);
    if (!resolved) return null;
    try {
      return entryOf(resolved.path, await stat(resolved.real));
    } catch (error) {
      if (isMissing(error)) return null;
      throw fsError(error, resolved.path);
    }
  }

  async read(path: string): Promise<Readable> {
    const resolved = await this.root.resolve(path);
    if (!resolved) throw new ConnectorError('not_found', `No file at ${path}`);
    // O_NONBLOCK so that a FIFO planted in the folder cannot hang the reader on open.
    const handle = await open(resolved.real, constants.O_RDONLY | constants.O_NONBLOCK).catch((error) => {
      throw fsError(error, resolved.path);
    });
    try {
      // fstat, not stat: it describes what was actually opened.
      if (!(await handle.stat()).isFile()) throw new ConnectorError('not_found', `${resolved.path} is not a file`);
    } catch (error) {
      await handle.close();
      throw fsError(error, resolved.path);
    }
    return handle.createReadStream();
  }

  async localPath(path: string): Promise<string | null> {
    const resolved = await this.root.resolve(path);
    if (!resolved) throw new ConnectorError('not_found', `No file at ${path}`);
    const stats = await stat(resolved.real).catch((error) => {
      throw fsError(error, resolved.path);
    });
    // A FIFO or device is for `read` (which opens it without blocking), never for a reader in place.
    return stats.isFile() ? resolved.real : null;
  }

  async close(): Promise<void> {}

  /** A storage path that must be an existing folder. */
  private async folder(path: string): Promise<Resolved> {
    const resolved = await this.root.resolve(path);
    if (!resolved) throw new ConnectorError('not_found', `No folder at ${path}`);
    const stats = await stat(resolved.real).catch((error) => {
      throw fsError(error, resolved.path);
    });
    if (!stats.isDirectory()) throw new ConnectorError('not_found', `${resolved.path} is not a folder`);
    return resolved;
  }

  /**
   * Files below a folder, depth first. `ancestors` holds the real paths of the folders being
   * walked, so a symlink back up the tree is not followed round in circles.
   */
  private async *walkFrom(dir: Resolved, realRoot: RealRoot, recursive: boolean, ancestors: Set<string>): AsyncIterable<StorageEntry> {
    for await (const child of this.children(dir, realRoot)) {
      if (child.entry.type === 'file') {
        yield child.entry;
      } else if (recursive && !ancestors.has(child.real)) {
        ancestors.add(child.real);
        try {
          yield* this.walkFrom(child, realRoot, recursive, ancestors);
        } catch (error) {
          // A sub-folder removed while we walk is simply no longer there.
          if (!(error instanceof ConnectorError && error.failure === 'not_found')) throw error;
        } finally {
          ancestors.delete(child.real);
        }
      }
    }
  }

  /**
   * The files and folders directly in a folder, streamed from the directory handle so a folder
   * of millions of files is never held whole. Symlinks are followed when they stay inside the
   * root; ones that escape it, dangle, or point at something that is neither file nor folder are
   * left out of listings (reading them directly is refused by `resolve`), as are the platform's own
   * folders when a root contains them.
   */
  private async *children(dir: Resolved, realRoot: RealRoot): AsyncIterable<Resolved & { entry: StorageEntry }> {
    const handle = await opendir(dir.real).catch((error) => {
      throw fsError(error, dir.path);
    });
    for await (const dirent of handle) {
      if (!isAddressableName(dirent.name)) continue;
      const path = childPath(dir.path, dirent.name);
      let real = join(dir.real, dirent.name);
      let stats: Stats;
      try {
        if (dirent.isSymbolicLink()) {
          const target = await this.root.resolve(path).catch((error) => {
            if (error instanceof ConnectorError && error.failure === 'path_escape') return null;
            throw error;
          });
          if (!target) continue;
          real = target.real;
        } else if ((!dirent.isFile() && !dirent.isDirectory()) || !this.root.permits(realRoot, real)) {
          continue;
        }
        stats = await stat(real);
      } catch (error) {
        if (isMissing(error)) continue; // removed since the directory was read
        throw fsError(error, path);
      }
      const entry = entryOf(path, stats);
      if (entry) yield { path, real, entry };
    }
  }
}

function entryOf(path: string, stats: Stats): StorageEntry | null {
  if (stats.isDirectory()) return { type: 'folder', name: baseName(path), path };
  if (stats.isFile()) return { type: 'file', name: baseName(path), path, size: stats.size, modifiedAt: Math.trunc(stats.mtimeMs) };
  return null;
}
