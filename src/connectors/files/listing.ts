import { ConnectorError, type StorageEntry } from '../sdk.js';
import { baseName, childPath, compareEntries } from './path.js';

/**
 * Listing logic that does not depend on the protocol: what `list` answers from a stream of
 * children, how a folder-by-folder walk goes, and the folders of a storage's top level.
 */

export function folderEntry(path: string): StorageEntry {
  return { type: 'folder', name: baseName(path), path };
}

/** A folder's children, whole and in `list`'s order (folders first, then files, by name). */
export async function sortedEntries(children: AsyncIterable<StorageEntry>): Promise<StorageEntry[]> {
  const entries: StorageEntry[] = [];
  for await (const entry of children) entries.push(entry);
  return entries.sort(compareEntries);
}

/** The top level of an account-wide connection (containers, shares, file systems), as folders. */
export async function* namedFolders(names: AsyncIterable<string>): AsyncIterable<StorageEntry> {
  for await (const name of names) yield folderEntry(childPath('/', name));
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ConnectorError && error.failure === 'not_found';
}

/**
 * The files under `folder` for storages that list one folder at a time. Sub-folders are walked
 * after this folder's listing is done, so one listing is open at a time; a sub-folder removed
 * while we walk is simply no longer there.
 */
export async function* walkFolders(
  children: (folder: string) => AsyncIterable<StorageEntry>,
  folder: string,
  recursive: boolean,
): AsyncIterable<StorageEntry> {
  const pending: string[] = [];
  for await (const entry of children(folder)) {
    if (entry.type === 'file') yield entry;
    else if (recursive) pending.push(entry.path);
  }
  for (const sub of pending) {
    try {
      yield* walkFolders(children, sub, recursive);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
