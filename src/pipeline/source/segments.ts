import { rm } from 'node:fs/promises';
import { LocalFileWriter } from './local-file-writer.js';
import type { RecordCutter } from './record-cutter.js';

export interface SegmentOptions {
  /** Where record ends are; null keeps the stream whole, in one segment. */
  cutter: RecordCutter | null;
  /** A segment is cut at the first record end once it holds this many bytes. */
  segmentBytes: number;
  /** The first record is a header that every segment must start with (delimited files with a header). */
  header: boolean;
  /** A header longer than this is not looked for further: the file stays whole (its reader refuses such a header). */
  maxHeaderBytes: number;
  /** The path of the i-th segment. */
  pathFor(index: number): string;
  /**
   * Called when the caller stops before the end (or a segment fails): it should end `chunks` at once (abort the
   * download), so that the segment being written ahead is not waited for, however slow its source.
   */
  abandon?: () => void;
}

/**
 * Writes a stream of plain bytes to local segment files that each hold whole records, and yields each
 * path once its segment is complete. While the caller works on one segment the next is written (the
 * download and the engine overlap), and once that one is complete the stream waits (backpressure): at
 * most two segments are on disk at a time, and neither disk nor memory grows with the file. A segment
 * is removed when the caller comes back for the next one (or stops).
 * Every segment after the first starts with a copy of the header, so each reads as a file of its own.
 * An empty stream yields one empty segment.
 */
export async function* segments(chunks: AsyncIterable<Buffer>, options: SegmentOptions): AsyncGenerator<string> {
  const stop = { asked: false };
  const written = writeSegments(chunks, options, stop);
  let next = written.next();
  let ended = false;
  try {
    for (;;) {
      const current = await next;
      if (current.done) {
        ended = true;
        return;
      }
      next = written.next();
      // Its failure (the download's) is met when the caller asks for that segment.
      next.catch(() => undefined);
      try {
        yield current.value;
      } finally {
        await rm(current.value, { force: true });
      }
    }
  } finally {
    // The caller stopped early, or a segment failed: the writer stops (at once when the source is abandoned, else at its
    // next chunk), and what it wrote goes too.
    stop.asked = true;
    if (!ended) options.abandon?.();
    const ahead = await next.catch(() => null);
    if (ahead && !ahead.done) await rm(ahead.value, { force: true });
    await written.return(undefined);
  }
}

/** The segments of `chunks`, each yielded once complete and then the caller's (to remove); stops writing once `stop.asked`. */
async function* writeSegments(chunks: AsyncIterable<Buffer>, options: SegmentOptions, stop: { asked: boolean }): AsyncGenerator<string> {
  let cutter = options.cutter;
  let header: Buffer | null = null;
  const headerPieces: Buffer[] = [];
  let seekingHeader = options.header && cutter !== null;
  let index = 0;
  /** The segment being written. */
  let out: LocalFileWriter | null = null;
  const open = async () => {
    const writer = new LocalFileWriter(options.pathFor(index++));
    if (header) await writer.write(header);
    return writer;
  };
  try {
    for await (const chunk of chunks) {
      if (stop.asked) return;
      let pos = 0;
      while (pos < chunk.length) {
        out ??= await open();
        const writer = out;
        if (seekingHeader && cutter) {
          const end = cutter.next(chunk, pos);
          const piece = chunk.subarray(pos, end < 0 ? chunk.length : end);
          await writer.write(piece);
          // A copy: the stream may reuse the chunk's memory.
          headerPieces.push(Buffer.from(piece));
          pos += piece.length;
          if (end >= 0) {
            header = Buffer.concat(headerPieces);
            seekingHeader = false;
          } else if (writer.bytes > options.maxHeaderBytes) {
            cutter = null;
            seekingHeader = false;
          }
          continue;
        }
        const room = options.segmentBytes - writer.bytes;
        if (!cutter || chunk.length - pos < room) {
          cutter?.skip(chunk, pos, chunk.length);
          await writer.write(pos === 0 ? chunk : chunk.subarray(pos));
          break;
        }
        const from = pos + Math.max(0, room);
        cutter.skip(chunk, pos, from);
        const end = cutter.next(chunk, from);
        if (end < 0) {
          await writer.write(chunk.subarray(pos));
          break;
        }
        await writer.write(chunk.subarray(pos, end));
        pos = end;
        await writer.close();
        out = null;
        yield writer.path;
      }
    }
    out ??= index === 0 ? await open() : null;
    if (out) {
      const last = out;
      await last.close();
      out = null;
      yield last.path;
    }
  } finally {
    // The caller stopped early, or the stream failed: the segment being written goes too.
    if (out) {
      await out.close().catch(() => undefined);
      await rm(out.path, { force: true });
    }
  }
}
