import { createReadStream, createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Where each page of a stored result starts: the byte offset of rows 0, pageRows, 2·pageRows, … */
export interface ResultIndex {
  pageRows: number;
  offsets: number[];
}

/** Takes a result's rows one JSON text at a time, as they are read from the engine. */
export interface RowSink {
  write(json: string): Promise<void>;
}

export interface ResultWriter extends RowSink {
  /** Makes the result readable and returns its page index. */
  finish(): Promise<ResultIndex>;
  /** Drops a result that will not be kept (the query failed or was cancelled). */
  discard(): Promise<void>;
}

const PAGE_ROWS = 1000;
const PARTIAL = '.partial';

/**
 * Query results as files, one JSON row per line, under a folder of the home: a result lives outside the
 * database and the process's memory, survives a restart, and is read back a page at a time.
 */
export class ResultStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a query id: ${id}`);
    return join(this.dir, `${id}.ndjson`);
  }

  create(id: string): ResultWriter {
    mkdirSync(this.dir, { recursive: true });
    const final = this.file(id);
    const partial = final + PARTIAL;
    const out: WriteStream = createWriteStream(partial);
    const offsets: number[] = [];
    let rows = 0;
    let bytes = 0;
    let failure: Error | null = null;
    out.on('error', (error) => {
      failure = error;
    });
    const closed = async () => {
      if (!out.closed) {
        out.end();
        await once(out, 'close').catch(() => undefined);
      }
    };
    return {
      async write(json) {
        if (failure) throw failure;
        if (rows % PAGE_ROWS === 0) offsets.push(bytes);
        const line = `${json}\n`;
        rows += 1;
        bytes += Buffer.byteLength(line);
        // Backpressure: the engine is read no faster than the disk takes the rows.
        if (!out.write(line)) await once(out, 'drain');
      },
      async finish() {
        await closed();
        if (failure) throw failure;
        await rename(partial, final);
        return { pageRows: PAGE_ROWS, offsets };
      },
      async discard() {
        await closed();
        await rm(partial, { force: true });
      },
    };
  }

  /** The JSON texts of rows `start` to `start + limit - 1` of a stored result, read from the page that holds `start`. */
  async *read(id: string, index: ResultIndex, page: { start: number; limit: number }): AsyncGenerator<string> {
    if (page.limit <= 0) return;
    const pageNo = Math.floor(page.start / index.pageRows);
    const offset = index.offsets[pageNo];
    if (offset === undefined) return;
    const input = createReadStream(this.file(id), { start: offset });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let skip = page.start - pageNo * index.pageRows;
    let left = page.limit;
    try {
      for await (const line of lines) {
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        yield line;
        left -= 1;
        if (left === 0) break;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }

  /** Whether a finished result is on disk (a home restored without its results has lost them). */
  has(id: string): boolean {
    return existsSync(this.file(id));
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) await rm(this.file(id), { force: true });
  }

  /**
   * Removes results left half-written by a process that stopped, untouched for `olderThanMs` (another process
   * sharing the home may be writing a younger one).
   */
  async sweepPartial(olderThanMs: number): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(PARTIAL))) {
      const path = join(this.dir, name);
      const modified = (await stat(path).catch(() => null))?.mtimeMs;
      if (modified !== undefined && Date.now() - modified >= olderThanMs) await rm(path, { force: true });
    }
  }
}
