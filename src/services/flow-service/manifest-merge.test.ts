import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StorageEntry } from '../../connectors/index.js';
import { mergeByPath, type ManifestRow } from './manifest-merge.js';
import { sortedByPath } from './sorted-listing.js';

async function* stream<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
const file = (path: string, etag = 'e1'): StorageEntry => ({ type: 'file', name: path.split('/').pop()!, path, size: 1, etag });
const row = (path: string, version_tag: string, status = 'ingested'): ManifestRow => ({
  path,
  version_tag,
  status,
  run_id: 'r',
  batch_id: null,
  recorded_at: new Date(0),
});

describe('mergeByPath', () => {
  it('joins new, changed, unchanged and vanished files, each path once', async () => {
    const listing = [file('/a.csv'), file('/b.csv', 'e2'), file('/c.csv'), file('/e.csv')];
    const manifest = [row('/b.csv', 'etag:e1'), row('/c.csv', 'etag:e1'), row('/d.csv', 'etag:e1'), row('/f.csv', 'etag:e9')];
    const merged = await all(mergeByPath(stream(listing), stream(manifest)));
    expect(merged.map((m) => [m.path, m.entry?.etag ?? null, m.versions.map((v) => v.version_tag)])).toEqual([
      ['/a.csv', 'e1', []], // new
      ['/b.csv', 'e2', ['etag:e1']], // changed: another version was taken
      ['/c.csv', 'e1', ['etag:e1']], // unchanged
      ['/d.csv', null, ['etag:e1']], // vanished from the storage
      ['/e.csv', 'e1', []], // new, between two manifest-only paths
      ['/f.csv', null, ['etag:e9']], // vanished, after the listing ended
    ]);
  });

  it('gathers every version of a path, and takes a path listed twice once', async () => {
    const listing = [file('/a.csv'), file('/a.csv', 'e2'), file('/b.csv'), file('/b.csv'), file('/b.csv')];
    const manifest = [row('/a.csv', 'etag:e0', 'failed'), row('/a.csv', 'etag:e1'), row('/a.csv', 'etag:e2'), row('/b.csv', 'etag:e1')];
    const merged = await all(mergeByPath(stream(listing), stream(manifest)));
    expect(merged.map((m) => [m.path, m.entry?.etag, m.versions.length])).toEqual([
      ['/a.csv', 'e1', 3],
      ['/b.csv', 'e1', 1],
    ]);
  });

  it('handles empty sides', async () => {
    expect(await all(mergeByPath(stream([]), stream([])))).toEqual([]);
    expect((await all(mergeByPath(stream([file('/x')]), stream([])))).map((m) => m.versions)).toEqual([[]]);
    expect((await all(mergeByPath(stream([]), stream([row('/x', 'v')])))).map((m) => m.entry)).toEqual([null]);
  });

  it('merges in code-point order, not UTF-16 order', async () => {
    // '/😀' sorts after '/～' by code points (and UTF-8 bytes, PostgreSQL's collate "C").
    const merged = await all(mergeByPath(stream([file('/～'), file('/😀')]), stream([row('/😀', 'etag:e1')])));
    expect(merged.map((m) => [m.path, m.versions.length])).toEqual([
      ['/～', 0],
      ['/😀', 1],
    ]);
  });

  it('refuses an input out of order rather than join it wrongly', async () => {
    await expect(all(mergeByPath(stream([file('/b'), file('/a')]), stream([])))).rejects.toThrow(/listing is not sorted/);
    await expect(all(mergeByPath(stream([]), stream([row('/b', 'v'), row('/a', 'v')])))).rejects.toThrow(/manifest is not sorted/);
  });
});

describe('sortedByPath', () => {
  const spillRoot = mkdtempSync(join(tmpdir(), 'tributary-sort-test-'));
  afterAll(() => rmSync(spillRoot, { recursive: true, force: true }));

  const shuffled = (n: number) => {
    const paths = Array.from({ length: n }, (_, i) => `/d${i % 7}/f${String(i).padStart(6, '0')}.csv`);
    // A fixed permutation: i * 7919 mod n visits every index once when n and 7919 share no factor.
    return paths.map((_, i) => paths[(i * 7919) % n]!).map((p) => file(p));
  };

  it('sorts a short listing in memory, writing no file', async () => {
    const sorted = await all(sortedByPath(stream(shuffled(1000)), { spillDir: spillRoot, chunkEntries: 5000 }));
    expect(sorted.map((e) => e.path)).toEqual(
      shuffled(1000)
        .map((e) => e.path)
        .sort(),
    );
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it('sorts a long listing through files, keeping duplicates in listing order, and removes the files', async () => {
    const entries = [...shuffled(10_007), file('/d0/f000000.csv', 'second')];
    const spilled: string[][] = [];
    const sorted: StorageEntry[] = [];
    for await (const entry of sortedByPath(stream(entries), { spillDir: spillRoot, chunkEntries: 1000 })) {
      if (sorted.length === 0) spilled.push(readdirSync(spillRoot));
      sorted.push(entry);
    }
    expect(spilled[0]).toHaveLength(1);
    expect(sorted.map((e) => e.path)).toEqual(entries.map((e) => e.path).sort());
    expect(sorted.slice(0, 2).map((e) => e.etag)).toEqual(['e1', 'second']);
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it('removes its files when the reader stops early', async () => {
    for await (const _ of sortedByPath(stream(shuffled(5003)), { spillDir: spillRoot, chunkEntries: 1000 })) break;
    expect(readdirSync(spillRoot)).toEqual([]);
  });
});
