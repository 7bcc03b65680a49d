import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A cached file held for its reader: it stays on disk, whatever the cache evicts, until `release()`. */
export interface CachedFile {
  readonly path: string;
  /** Lets the cache evict the file again; idempotent. */
  release(): void;
}

export interface ReadCacheOptions {
  /** Folder of the cached files, owned by this cache (one process per folder). */
  dir: string;
  /** Bytes the cache may hold; the least recently used unpinned files are removed to stay under it. */
  maxBytes: number;
  /** Told when pinned files alone hold more than the bound (the cache is then over it until they are released). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

export interface ReadCacheStats {
  /** Bytes on disk or being downloaded. */
  bytes: number;
  files: number;
  /** Readers holding files now (one per acquire not yet released, waiting downloads included). */
  pins: number;
  pinnedBytes: number;
  downloads: number;
  hits: number;
  evictions: number;
}

interface Entry {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  pins: number;
  /** Set while the file is being downloaded; every reader of the key waits on the same promise. */
  loading: Promise<void> | null;
  /** Removed from the index (dropped or replaced) while pinned: deleted when its last reader releases it. */
  doomed: boolean;
}

const PART = '.part';

/**
 * A bounded local copy of immutable remote files (the S3 lake's committed Parquet, which DuckDB here can only read
 * from local disk). Files are keyed by a relative path and downloaded on first use, streamed to a temporary name and
 * renamed, so neither memory nor a reader ever holds half of one; concurrent readers of a cold key share one
 * download. The index is a Map in recency order (a use moves a key to the end), so eviction takes the oldest
 * unpinned entries first. A file being read is pinned and never evicted: when pins alone exceed the bound the cache
 * goes over it rather than fail the query, and shrinks back as soon as they are released.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private counters = { downloads: 0, hits: 0, evictions: 0 };
  private indexed: Promise<void> | null = null;

  constructor(private readonly options: ReadCacheOptions) {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < 0) throw new Error('the read cache needs a size in bytes ≥ 0');
  }

  /**
   * The local copy of `key` (a "/"-separated relative path) of `size` bytes, downloaded through `fetch` when it is
   * not cached yet (or cached with another size), pinned until the answer is released.
   */
  async acquire(key: string, size: number, fetch: () => Promise<Readable>): Promise<CachedFile> {
    await this.index();
    let entry = this.entries.get(key);
    if (entry && !entry.loading && entry.size !== size) {
      this.forget(entry);
      entry = undefined;
    }
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (!entry.loading) this.counters.hits++;
    } else {
      entry = { key, path: this.pathOf(key), size, pins: 0, loading: null, doomed: false };
      // Counted from now, so concurrent downloads of different keys together respect the bound.
      this.entries.set(key, entry);
      this.bytes += size;
      this.evict(entry);
      entry.loading = this.download(entry, fetch);
    }
    entry.pins++;
    try {
      if (entry.loading) await entry.loading;
    } catch (error) {
      entry.pins--;
      throw error;
    }
    return this.held(entry);
  }

  /** Removes every cached file under a key prefix (a removed batch or dataset); pinned ones go when released. */
  async drop(prefix: string): Promise<void> {
    await this.index();
    const under = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const removals: Promise<void>[] = [];
    for (const entry of [...this.entries.values()]) {
      if (entry.key !== prefix && !entry.key.startsWith(under)) continue;
      const removal = this.forget(entry);
      if (removal) removals.push(removal);
    }
    await Promise.all(removals);
  }

  stats(): ReadCacheStats {
    let pinnedBytes = 0;
    let pins = 0;
    for (const entry of this.entries.values()) {
      pins += entry.pins;
      if (entry.pins > 0) pinnedBytes += entry.size;
    }
    return { bytes: this.bytes, files: this.entries.size, pins, pinnedBytes, ...this.counters };
  }

  private pathOf(key: string): string {
    const path = join(this.options.dir, ...key.split('/'));
    if (relative(this.options.dir, path).startsWith('..')) throw new Error(`read cache key outside the cache: ${key}`);
    return path;
  }

  private held(entry: Entry): CachedFile {
    let released = false;
    return {
      path: entry.path,
      release: () => {
        if (released) return;
        released = true;
        entry.pins--;
        if (entry.pins > 0) return;
        if (entry.doomed) void this.unlink(entry);
        else this.evict(null);
      },
    };
  }

  private async download(entry: Entry, fetch: () => Promise<Readable>): Promise<void> {
    const temporary = `${entry.path}.${randomBytes(4).toString('hex')}${PART}`;
    try {
      await mkdir(dirname(entry.path), { recursive: true });
      await pipeline(await fetch(), createWriteStream(temporary));
      const written = (await stat(temporary)).size;
      if (written !== entry.size) throw new Error(`downloaded ${written} bytes of ${entry.key}, expected ${entry.size}`);
      await rename(temporary, entry.path);
      this.counters.downloads++;
      entry.loading = null;
    } catch (error) {
      await rm(temporary, { force: true });
      if (this.entries.get(entry.key) === entry) {
        this.entries.delete(entry.key);
        this.bytes -= entry.size;
      }
      throw error;
    }
  }

  /**
   * Removes least recently used unpinned files until the cache fits its bound (`incoming`, just reserved, is never
   * a candidate). Files are unlinked in the background: they left the index, so no reader gets them again.
   */
  private evict(incoming: Entry | null): void {
    if (this.bytes <= this.options.maxBytes) return;
    // Deleting the entry a Map iteration stands on is safe: the walk goes on from the next, oldest first.
    for (const entry of this.entries.values()) {
      if (this.bytes <= this.options.maxBytes) return;
      if (entry === incoming || entry.pins > 0 || entry.loading) continue;
      this.entries.delete(entry.key);
      this.bytes -= entry.size;
      this.counters.evictions++;
      void this.unlink(entry);
    }
    if (incoming && this.bytes > this.options.maxBytes)
      this.options.warn?.('read cache over its bound: the files being read do not fit in it', {
        maxBytes: this.options.maxBytes,
        bytes: this.bytes,
        pinnedBytes: this.stats().pinnedBytes + incoming.size,
      });
  }

  /** Takes an entry out of the index; answers its removal when nobody reads it, else it is removed at release. */
  private forget(entry: Entry): Promise<void> | null {
    if (this.entries.get(entry.key) === entry) {
      this.entries.delete(entry.key);
      this.bytes -= entry.size;
    }
    if (entry.pins > 0 || entry.loading) {
      entry.doomed = true;
      return null;
    }
    return this.unlink(entry);
  }

  private async unlink(entry: Entry): Promise<void> {
    // A newer entry of the same key (a re-download) owns the path now.
    if (this.entries.has(entry.key)) return;
    await rm(entry.path, { force: true }).catch(() => undefined);
  }

  /** Files a previous run of this process left are kept (oldest first by modification time); half downloads are not. */
  private index(): Promise<void> {
    this.indexed ??= (async () => {
      const found: Array<{ key: string; path: string; size: number; mtimeMs: number }> = [];
      const visit = async (dir: string) => {
        let items: Dirent[];
        try {
          items = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        for (const item of items) {
          const path = join(dir, item.name);
          if (item.isDirectory()) await visit(path);
          else if (item.name.endsWith(PART)) await rm(path, { force: true });
          else if (item.isFile()) {
            const info = await stat(path);
            found.push({ key: relative(this.options.dir, path).split(sep).join('/'), path, size: info.size, mtimeMs: info.mtimeMs });
          }
        }
      };
      await visit(this.options.dir);
      for (const file of found.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
        this.entries.set(file.key, { key: file.key, path: file.path, size: file.size, pins: 0, loading: null, doomed: false });
        this.bytes += file.size;
      }
      this.evict(null);
    })();
    return this.indexed;
  }
}
