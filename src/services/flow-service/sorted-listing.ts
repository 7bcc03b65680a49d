import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StorageEntry } from '../../connectors/index.js';
import { comparePaths } from './path-order.js';

/** Entries sorted in memory at a time; a listing longer than this is sorted through files. */
export const SORT_CHUNK_ENTRIES = 50_000;

const byPath = (a: StorageEntry, b: StorageEntry) => comparePaths(a.path, b.path);

/**
 * A listing in `comparePaths` order, in bounded memory. Storages list in their own orders (a folder's files,
 * then its sub-folders; a local folder in directory order), so the listing is sorted here: a listing of up to
 * `chunkEntries` entries in memory; a longer one as an external merge sort, each chunk sorted and written to a
 * file under `spillDir`, the files then merged as streams, holding one entry per file. The listing is read
 * once; the files are removed when the sorted stream ends or is abandoned.
 */
export async function* sortedByPath(
  listing: AsyncIterable<StorageEntry>,
  options: { spillDir: string; chunkEntries?: number },
): AsyncIterable<StorageEntry> {
  const chunkEntries = options.chunkEntries ?? SORT_CHUNK_ENTRIES;
  let chunk: StorageEntry[] = [];
  let dir: string | null = null;
  const spilled: string[] = [];
  try {
    for await (const entry of listing) {
      chunk.push(entry);
      if (chunk.length < chunkEntries) continue;
      if (dir === null) {
        await mkdir(options.spillDir, { recursive: true });
        dir = await mkdtemp(join(options.spillDir, 'listing-'));
      }
      const file = join(dir, `${spilled.length}.ndjson`);
      await writeFile(
        file,
        `${chunk
          .sort(byPath)
          .map((e) => JSON.stringify(e))
          .join('\n')}\n`,
      );
      spilled.push(file);
      chunk = [];
    }
    chunk.sort(byPath);
    if (spilled.length === 0) {
      yield* chunk;
      return;
    }
    // The last chunk stays in memory as one more sorted run; ties go to the earlier run, as a stable sort would.
    yield* mergeRuns([
      ...spilled.map(readRun),
      (async function* () {
        yield* chunk;
      })(),
    ]);
  } finally {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }
}

async function* readRun(file: string): AsyncIterable<StorageEntry> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) if (line) yield JSON.parse(line) as StorageEntry;
  } finally {
    lines.close();
  }
}

/** Merges sorted runs: a linear pick among their heads (a listing of millions makes tens of runs, not thousands). */
async function* mergeRuns(runs: Array<AsyncIterable<StorageEntry>>): AsyncIterable<StorageEntry> {
  const iterators = runs.map((r) => r[Symbol.asyncIterator]());
  const heads: Array<StorageEntry | null> = [];
  for (const it of iterators) {
    const step = await it.next();
    heads.push(step.done ? null : step.value);
  }
  try {
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (min === -1 || byPath(head, heads[min]!) < 0)) min = i;
      }
      if (min === -1) return;
      yield heads[min]!;
      const step = await iterators[min]!.next();
      heads[min] = step.done ? null : step.value;
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
