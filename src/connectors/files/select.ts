import picomatch from 'picomatch';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { childPath, joinSegments, pathSegments, relativePath } from './path.js';

/**
 * AEP's `params.path` semantics for file sources, on top of any FileStorage:
 * - a file path selects that file;
 * - a folder path selects the files in it (and in its sub-folders with `recursive`);
 * - a path with wildcards selects the files whose names match. The wildcards may sit in the
 *   file-name segment (`/acme/*.csv`, `/acme/*premium*.csv`; with `recursive` the name pattern
 *   applies in every sub-folder too, as in Azure Data Factory, which AEP's sources build on),
 *   in folder segments (`/acme/2024-??/orders.csv`), or be `**` (any depth).
 *
 * Everything streams from `FileStorage.walk`; only folder segments with wildcards need
 * `FileStorage.list`, and then only of the folders they match against.
 *
 * A path that names nothing (no wildcard, nothing there) is a `not_found` error, so a run can tell
 * a wrong path from an empty folder; a wildcard matching nothing selects nothing.
 */
export async function* selectFiles(storage: FileStorage, pattern: string, options: { recursive: boolean }): AsyncIterable<StorageEntry> {
  const segments = pathSegments(pattern);
  const path = joinSegments(segments);

  // Names may legitimately hold glob characters ("report(1).csv", "a[1].csv"), so what exists
  // under the literal path wins over the pattern reading of it.
  const literal = await storage.stat(path);
  if (literal?.type === 'file') {
    yield literal;
    return;
  }
  if (literal?.type === 'folder') {
    yield* storage.walk(path, options);
    return;
  }

  const firstGlob = segments.findIndex(isGlobSegment);
  const glob = segments[firstGlob];
  if (firstGlob === -1 || glob === undefined) throw new ConnectorError('not_found', `Nothing at ${path}`);
  yield* expand(storage, joinSegments(segments.slice(0, firstGlob)), glob, segments.slice(firstGlob + 1), options.recursive, true);
}

/** Whether a path segment is a wildcard pattern rather than a plain name. */
export function isGlobSegment(segment: string): boolean {
  return picomatch.scan(segment).isGlob;
}

/**
 * The files under `folder` matching `head` and `tail` (the remaining pattern segments, `head`
 * being a glob or following one). `mustExist` is true only for the literal base: below it, a
 * folder a pattern names but that is not there simply contributes nothing.
 */
async function* expand(
  storage: FileStorage,
  folder: string,
  head: string,
  tail: string[],
  recursive: boolean,
  mustExist: boolean,
): AsyncIterable<StorageEntry> {
  const rest = [head, ...tail];
  const [next, ...after] = tail;

  if (rest.some((segment) => segment.includes('**'))) {
    // `**` spans folders, so match whole relative paths over a deep walk.
    const matches = picomatch(rest.join('/'));
    yield* filter(storage.walk(folder, { recursive: true }), (entry) => matches(relativePath(folder, entry.path)), mustExist);
    return;
  }

  if (next === undefined) {
    const matches = picomatch(head);
    yield* filter(storage.walk(folder, { recursive }), (entry) => matches(entry.name), mustExist);
    return;
  }

  if (!isGlobSegment(head)) {
    yield* expand(storage, childPath(folder, head), next, after, recursive, false);
    return;
  }

  const matches = picomatch(head);
  for (const entry of await listOrEmpty(storage, folder, mustExist)) {
    if (entry.type === 'folder' && matches(entry.name)) yield* expand(storage, entry.path, next, after, recursive, false);
  }
}

async function* filter(
  entries: AsyncIterable<StorageEntry>,
  keep: (entry: StorageEntry) => boolean,
  mustExist: boolean,
): AsyncIterable<StorageEntry> {
  try {
    for await (const entry of entries) if (keep(entry)) yield entry;
  } catch (error) {
    if (mustExist || !isNotFound(error)) throw error;
  }
}

async function listOrEmpty(storage: FileStorage, folder: string, mustExist: boolean): Promise<StorageEntry[]> {
  try {
    return await storage.list(folder);
  } catch (error) {
    if (mustExist || !isNotFound(error)) throw error;
    return [];
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ConnectorError && error.failure === 'not_found';
}
