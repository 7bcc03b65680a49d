import type { TableFiles } from './commit.js';
import { decodeManifest, decodeManifestList, EntryStatus } from './manifests.js';
import { integerProperty, TABLE_PROPERTY, type Snapshot, type SnapshotRef, type TableMetadata } from './table-metadata.js';

/**
 * Snapshot expiry, as Iceberg's `expireSnapshots` decides it: which snapshots a table keeps, the metadata without
 * the others, and which of their files nothing kept reaches any more. Pure but for reading manifests; deleting the
 * files and moving the table's pointer is the caller's job.
 */

/** The process-wide defaults, for a table whose properties (and refs) set none. */
export interface ExpiryDefaults {
  /** Snapshots older than this may go (`history.expire.max-snapshot-age-ms`). */
  maxSnapshotAgeMs: number;
  /** A branch keeps at least this many of its newest ancestors whatever their age (`history.expire.min-snapshots-to-keep`). */
  minSnapshotsToKeep: number;
}

export interface Expiry {
  metadata: TableMetadata;
  expired: Snapshot[];
}

/** The metadata without the snapshots (and refs) past retention, or null when everything is kept. */
export function expireSnapshots(metadata: TableMetadata, nowMs: number, defaults: ExpiryDefaults): Expiry | null {
  const byId = new Map(metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  const maxAge = integerProperty(metadata, TABLE_PROPERTY.maxSnapshotAgeMs, defaults.maxSnapshotAgeMs);
  const minKeep = Math.max(1, integerProperty(metadata, TABLE_PROPERTY.minSnapshotsToKeep, defaults.minSnapshotsToKeep));
  const maxRefAge = integerProperty(metadata, TABLE_PROPERTY.maxRefAgeMs, Number.POSITIVE_INFINITY);

  // Refs past their age go (never main), and so do refs to snapshots that are not there.
  const refs: Record<string, SnapshotRef> = {};
  for (const [name, ref] of Object.entries(metadata.refs)) {
    const head = byId.get(ref['snapshot-id']);
    if (!head) continue;
    if (name !== 'main' && nowMs - head['timestamp-ms'] > (ref['max-ref-age-ms'] ?? maxRefAge)) continue;
    refs[name] = ref;
  }

  const kept = new Set<number>();
  const inSomeHistory = new Set<number>();
  for (const ref of Object.values(refs)) {
    if (ref.type === 'tag') {
      kept.add(ref['snapshot-id']);
      inSomeHistory.add(ref['snapshot-id']);
      continue;
    }
    // A branch keeps its newest ancestors while they are young enough, and at least its minimum however old.
    const cutoff = nowMs - (ref['max-snapshot-age-ms'] ?? maxAge);
    const atLeast = Math.max(1, ref['min-snapshots-to-keep'] ?? minKeep);
    let count = 0;
    let keeping = true;
    for (let at = byId.get(ref['snapshot-id']); at; at = parentOf(at, byId)) {
      inSomeHistory.add(at['snapshot-id']);
      if (keeping && (count < atLeast || at['timestamp-ms'] >= cutoff)) {
        kept.add(at['snapshot-id']);
        count++;
      } else keeping = false;
    }
  }
  // The current snapshot always stays; a snapshot no ref leads to stays until it is older than the table's age limit.
  kept.add(metadata['current-snapshot-id']);
  for (const snapshot of metadata.snapshots)
    if (!inSomeHistory.has(snapshot['snapshot-id']) && snapshot['timestamp-ms'] >= nowMs - maxAge) kept.add(snapshot['snapshot-id']);

  const expired = metadata.snapshots.filter((s) => !kept.has(s['snapshot-id']));
  if (expired.length === 0 && Object.keys(refs).length === Object.keys(metadata.refs).length) return null;

  // The snapshot log loses every entry up to the last one whose snapshot is gone: a log with a gap would say a
  // later snapshot was current while an expired one was.
  const log: TableMetadata['snapshot-log'] = [];
  for (const entry of metadata['snapshot-log']) {
    if (kept.has(entry['snapshot-id']) && byId.has(entry['snapshot-id'])) log.push(entry);
    else log.length = 0;
  }
  return {
    metadata: {
      ...metadata,
      'last-updated-ms': Math.max(nowMs, metadata['last-updated-ms']),
      snapshots: metadata.snapshots.filter((s) => kept.has(s['snapshot-id'])),
      'snapshot-log': log,
      refs,
    },
    expired,
  };
}

function parentOf(snapshot: Snapshot, byId: Map<number, Snapshot>): Snapshot | undefined {
  const parent = snapshot['parent-snapshot-id'];
  return parent === undefined ? undefined : byId.get(parent);
}

/** The files a set of snapshots reaches: their manifest lists, manifests, and data files (live, and any entry at all). */
export interface ReachedFiles {
  manifestLists: Set<string>;
  manifests: Set<string>;
  /** Data files some snapshot of the set holds (an added or existing entry). */
  liveData: Set<string>;
  /** Data files any entry names, a deleted one too. */
  data: Set<string>;
}

/**
 * Reads what `snapshots` reach. With `isMissing`, a file it says is gone is passed over (what an interrupted
 * cleanup left half-done); without it, every failure is an error: what the kept snapshots reach must be known in
 * full before anything is deleted.
 */
export async function reachedFiles(
  files: TableFiles,
  snapshots: Snapshot[],
  options: { isMissing?: (error: unknown) => boolean } = {},
): Promise<ReachedFiles> {
  const reached: ReachedFiles = { manifestLists: new Set(), manifests: new Set(), liveData: new Set(), data: new Set() };
  const read = async (uri: string): Promise<Buffer | null> => {
    try {
      return await files.read(uri);
    } catch (error) {
      if (options.isMissing?.(error)) return null;
      throw error;
    }
  };
  for (const snapshot of snapshots) {
    const list = snapshot['manifest-list'];
    if (reached.manifestLists.has(list)) continue;
    reached.manifestLists.add(list);
    const bytes = await read(list);
    if (!bytes) continue;
    for (const manifest of await decodeManifestList(bytes)) {
      if (reached.manifests.has(manifest.manifestPath)) continue;
      reached.manifests.add(manifest.manifestPath);
      const content = await read(manifest.manifestPath);
      if (!content) continue;
      for (const entry of await decodeManifest(content)) {
        reached.data.add(entry.dataFile.filePath);
        if (entry.status !== EntryStatus.deleted) reached.liveData.add(entry.dataFile.filePath);
      }
    }
  }
  return reached;
}

/** Files the expired snapshots reached that the kept ones do not: what expiry may delete (data files subject to the caller's own rules). */
export interface Unreached {
  data: string[];
  manifests: string[];
  manifestLists: string[];
}

export function unreached(expired: ReachedFiles, kept: ReachedFiles): Unreached {
  return {
    data: [...expired.data].filter((uri) => !kept.liveData.has(uri)),
    manifests: [...expired.manifests].filter((uri) => !kept.manifests.has(uri)),
    manifestLists: [...expired.manifestLists].filter((uri) => !kept.manifestLists.has(uri)),
  };
}
