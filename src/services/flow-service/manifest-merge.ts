import type { StorageEntry } from '../../connectors/index.js';
import { comparePaths } from './path-order.js';

/** What the join needs of a manifest row (a version of a file some run took); the rows keep all they carry. */
export interface ManifestRow {
  path: string;
  version_tag: string;
  status: string;
  run_id: string;
  batch_id: string | null;
  recorded_at: Date | string;
}

/**
 * A path from either side: `entry` is what the storage lists there (null when the file vanished from it), and
 * `versions` the manifest's rows of that path (empty when no run took it).
 */
export interface MergedPath<R extends ManifestRow = ManifestRow> {
  path: string;
  entry: StorageEntry | null;
  versions: R[];
}

/**
 * Joins a listing with a manifest, both sorted by path (`comparePaths`), as one pass over two streams: it holds
 * one entry and one path's manifest rows at a time, whatever the size of either. A path listed twice is
 * taken once (the first listing of it), so no run ingests a file twice. An input out of order is an error,
 * not a silently wrong join.
 */
export async function* mergeByPath<R extends ManifestRow>(
  listing: AsyncIterable<StorageEntry>,
  manifest: AsyncIterable<R>,
): AsyncIterable<MergedPath<R>> {
  const rows = ordered(manifest[Symbol.asyncIterator](), 'manifest', (r) => r.path);
  const entries = ordered(listing[Symbol.asyncIterator](), 'listing', (e) => e.path);
  let row = await rows.next();
  let entry = await entries.next();
  let lastListed: string | null = null;
  while (!entry.done || !row.done) {
    if (!entry.done && lastListed === entry.value.path) {
      entry = await entries.next();
      continue;
    }
    const order = entry.done ? 1 : row.done ? -1 : comparePaths(entry.value.path, row.value.path);
    const path: string = order <= 0 ? entry.value!.path : row.value!.path;
    const versions: R[] = [];
    while (!row.done && row.value.path === path) {
      versions.push(row.value);
      row = await rows.next();
    }
    if (order <= 0) {
      yield { path, entry: entry.value!, versions };
      lastListed = path;
      entry = await entries.next();
    } else {
      yield { path, entry: null, versions };
    }
  }
}

/** Passes a stream through, throwing when a key comes before the one ahead of it (equal keys allowed). */
function ordered<T>(source: AsyncIterator<T>, side: string, key: (item: T) => string): AsyncIterator<T> {
  let last: string | null = null;
  return {
    async next() {
      const step = await source.next();
      if (step.done) return step;
      const current = key(step.value);
      if (last !== null) {
        if (comparePaths(last, current) > 0) throw new Error(`the ${side} is not sorted by path: ${current} came after ${last}`);
      }
      last = current;
      return step;
    },
  };
}
