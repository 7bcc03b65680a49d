import { describe, expect, it } from 'vitest';
import { expireSnapshots } from './expire.js';
import { newTableMetadata, type Snapshot, type TableMetadata } from './table-metadata.js';

const DAY = 24 * 3_600_000;
const NOW = 100 * DAY;
const defaults = { maxSnapshotAgeMs: 5 * DAY, minSnapshotsToKeep: 1 };

/** A table whose main branch is a chain of snapshots made at these times (ms), the last one current. */
function table(times: number[], extra: Partial<TableMetadata> = {}): TableMetadata {
  const base = newTableMetadata({ location: 'file:///t', struct: { type: 'struct', fields: [] }, lastColumnId: 0, nowMs: 0 });
  const snapshots: Snapshot[] = times.map((time, i) => ({
    'snapshot-id': i + 1,
    ...(i > 0 ? { 'parent-snapshot-id': i } : {}),
    'sequence-number': i + 1,
    'timestamp-ms': time,
    'manifest-list': `file:///t/metadata/snap-${i + 1}.avro`,
    summary: { operation: 'append' },
    'schema-id': 0,
  }));
  return {
    ...base,
    'last-sequence-number': times.length,
    'current-snapshot-id': times.length || base['current-snapshot-id'],
    snapshots,
    'snapshot-log': snapshots.map((s) => ({ 'snapshot-id': s['snapshot-id'], 'timestamp-ms': s['timestamp-ms'] })),
    refs: times.length ? { main: { 'snapshot-id': times.length, type: 'branch' } } : {},
    ...extra,
  };
}

const ids = (metadata: TableMetadata) => metadata.snapshots.map((s) => s['snapshot-id']);

describe('expireSnapshots', () => {
  it('keeps everything younger than the age limit, and answers null when nothing goes', () => {
    expect(expireSnapshots(table([NOW - 3 * DAY, NOW - 2 * DAY, NOW]), NOW, defaults)).toBeNull();
    expect(expireSnapshots(table([]), NOW, defaults)).toBeNull();
  });

  it('drops old ancestors of main but never the current snapshot, however old', () => {
    const result = expireSnapshots(table([NOW - 30 * DAY, NOW - 20 * DAY, NOW - 10 * DAY]), NOW, defaults)!;
    expect(ids(result.metadata)).toEqual([3]);
    expect(result.expired.map((s) => s['snapshot-id'])).toEqual([1, 2]);
    expect(result.metadata['snapshot-log']).toEqual([{ 'snapshot-id': 3, 'timestamp-ms': NOW - 10 * DAY }]);
    expect(result.metadata.refs).toEqual({ main: { 'snapshot-id': 3, type: 'branch' } });
    expect(result.metadata['last-updated-ms']).toBe(NOW);
  });

  it('stops at the first ancestor past the limit: older young-looking ones go too', () => {
    // Snapshot 1 is "young" but sits behind an old one: a branch's history is cut where it first gets too old.
    const result = expireSnapshots(table([NOW - DAY, NOW - 20 * DAY, NOW]), NOW, defaults)!;
    expect(ids(result.metadata)).toEqual([3]);
  });

  it('keeps min-snapshots-to-keep from the table properties, and per-ref limits over them', () => {
    const old = [NOW - 40 * DAY, NOW - 30 * DAY, NOW - 20 * DAY, NOW - 10 * DAY];
    const byTable = table(old, { properties: { 'history.expire.min-snapshots-to-keep': '3' } });
    expect(ids(expireSnapshots(byTable, NOW, defaults)!.metadata)).toEqual([2, 3, 4]);
    const byAge = table(old, { properties: { 'history.expire.max-snapshot-age-ms': String(25 * DAY) } });
    expect(ids(expireSnapshots(byAge, NOW, defaults)!.metadata)).toEqual([3, 4]);
    const byRef = table(old, { refs: { main: { 'snapshot-id': 4, type: 'branch', 'min-snapshots-to-keep': 2 } } });
    expect(ids(expireSnapshots(byRef, NOW, defaults)!.metadata)).toEqual([3, 4]);
    // A value that is not a whole number is ignored.
    const bad = table(old, { properties: { 'history.expire.min-snapshots-to-keep': 'many' } });
    expect(ids(expireSnapshots(bad, NOW, defaults)!.metadata)).toEqual([4]);
  });

  it('keeps a tagged snapshot, and drops a tag past its max-ref-age-ms', () => {
    const old = [NOW - 40 * DAY, NOW - 30 * DAY, NOW - 10 * DAY];
    const tagged = table(old, {
      refs: { main: { 'snapshot-id': 3, type: 'branch' }, release: { 'snapshot-id': 1, type: 'tag' } },
    });
    const kept = expireSnapshots(tagged, NOW, defaults)!;
    expect(ids(kept.metadata)).toEqual([1, 3]);
    expect(Object.keys(kept.metadata.refs).sort()).toEqual(['main', 'release']);
    // The log names snapshot 1 first, then 2 (gone): everything up to the gap is dropped.
    expect(kept.metadata['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([3]);

    const aged = table(old, {
      refs: { main: { 'snapshot-id': 3, type: 'branch' }, release: { 'snapshot-id': 1, type: 'tag', 'max-ref-age-ms': 35 * DAY } },
    });
    const dropped = expireSnapshots(aged, NOW, defaults)!;
    expect(ids(dropped.metadata)).toEqual([3]);
    expect(Object.keys(dropped.metadata.refs)).toEqual(['main']);
  });

  it('keeps a snapshot no ref leads to until it is past the age limit', () => {
    const metadata = table([NOW - 40 * DAY, NOW - DAY]);
    const stray: Snapshot = { ...metadata.snapshots[0]!, 'snapshot-id': 9, 'timestamp-ms': NOW - 2 * DAY, 'sequence-number': 3 };
    const result = expireSnapshots({ ...metadata, snapshots: [...metadata.snapshots, stray] }, NOW, defaults)!;
    expect(ids(result.metadata)).toEqual([2, 9]);
    const later = expireSnapshots(result.metadata, NOW + 10 * DAY, defaults)!;
    expect(ids(later.metadata)).toEqual([2]);
  });
});
