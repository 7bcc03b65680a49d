import { Transform, type Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import { writeProgress } from './runs.repo.js';

/** How often, at most, a run's progress is written while its files are read. */
const WRITE_EVERY_MS = 500;

/**
 * Live progress of a run, kept in its metrics (`metrics.progress`) while it is in progress, so
 * `GET /runs/{id}` (and `tributary runs watch`) can follow it from any process. A file counts as done
 * once its bytes are read through; records are known when the batch ends.
 */
export class RunProgress {
  private readonly read: number[];
  private readonly done: boolean[];
  private last = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly sizes: number[],
  ) {
    this.read = sizes.map(() => 0);
    this.done = sizes.map(() => false);
  }

  /** Counts the bytes of file `index` as the pipeline reads them. */
  track(index: number, stream: Readable, mapError: (error: unknown) => unknown = (error) => error): Readable {
    // A fresh read of the file (after an in-place read that did not happen, say) counts from zero.
    this.read[index] = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.read[index] = (this.read[index] ?? 0) + chunk.length;
        this.maybeWrite();
        callback(null, chunk);
      },
      flush: (callback) => {
        this.done[index] = true;
        this.maybeWrite(true);
        callback();
      },
    });
    stream.once('error', (error) => counter.destroy(mapError(error) as Error));
    return stream.pipe(counter);
  }

  /** Counts file `index` as read whole at once (the pipeline reads it in place, not through a stream). */
  readWhole(index: number): void {
    this.read[index] = this.sizes[index] ?? 0;
    this.done[index] = true;
    this.maybeWrite(true);
  }

  /** Waits for the last write (so a final status is never overwritten by a late progress update). */
  async flush(): Promise<void> {
    this.last = Number.POSITIVE_INFINITY;
    await this.writing;
  }

  private maybeWrite(force = false): void {
    const now = Date.now();
    if (!force && now - this.last < WRITE_EVERY_MS) return;
    if (this.last === Number.POSITIVE_INFINITY) return;
    this.last = now;
    const progress = {
      filesTotal: this.sizes.length,
      filesDone: this.done.filter(Boolean).length,
      bytesTotal: this.sizes.reduce((a, b) => a + b, 0),
      bytesRead: this.read.reduce((a, b) => a + b, 0),
      updatedAtUTC: now,
    };
    this.writing = this.writing
      .then(() => writeProgress(this.db, this.runId, progress))
      .then(
        () => undefined,
        () => undefined,
      );
  }
}
