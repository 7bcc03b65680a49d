import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../read/limits.js';
import type { ArchiveEntry } from './archive/entries.js';
import { tarEntries } from './archive/tar.js';
import { zipEntries } from './archive/zip.js';
import { decompressionGuard, type DecompressionLimits } from './decompression-guard.js';
import { archiveKind, INFLATE_OPTIONS } from './decompress.js';
import { transcoder } from './encoding.js';
import { inPlace } from './in-place.js';
import { recordCutter } from './record-cutter.js';
import { segments } from './segments.js';
import { openPlain, spool, streamChunks } from './spool.js';

/**
 * A plain, UTF-8, local file ready for a reader (read only: it may be the source itself); `label` names it
 * in row errors. Consecutive parts with one label are segments of one file: their rows continue each other.
 */
export interface LocalPart {
  label: string;
  path: string;
}

export interface Materialized {
  /**
   * The parts, in order: a part's file lasts until the next part is asked for (or the iteration stops),
   * and the one after it is written meanwhile, so the local disk holds two segments of one file at most, not the file.
   */
  parts: AsyncIterable<LocalPart>;
  /** Bytes read from the source so far (all of them once `parts` is done). */
  readonly inputBytes: number;
}

export interface MaterializeOptions {
  signal?: AbortSignal;
  /** Previews: one part of at most this much plain text, cut at a line end; the rest is not read. */
  maxBytes?: number;
  limits?: DecompressionLimits;
  /**
   * Cut delimited and JSON-lines text into segments of about this size, at record ends (see segments.ts);
   * unset: every file (or archive entry) is one part. Parquet and multi-line JSON always stay whole.
   */
  segmentBytes?: number;
  /** The longest header record a delimited file may have (its reader's limit). */
  maxRecordBytes?: number;
}

/**
 * Makes a source file readable locally: one part for a plain or compressed file — or several segments
 * of it with `segmentBytes` — and the parts of each entry for an archive (each entry is a whole file
 * with its own header, so entries are never joined). Previews (maxBytes) read a bounded copy; a whole
 * plain file on the local disk is read where it lies.
 */
export function materialize(file: SourceFile, format: SourceFormat, scratch: string, options: MaterializeOptions = {}): Materialized {
  let inputBytes: () => number = () => 0;
  const plainOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(options.limits ? { limits: options.limits } : {}) };
  /** The segments of one file's plain bytes, named `prefix-N` in the scratch folder; `abandon` stops their source. */
  const cut = (chunks: AsyncIterable<Buffer>, prefix: string, abandon?: () => void) =>
    segments(chunks, {
      ...(abandon ? { abandon } : {}),
      cutter: options.segmentBytes !== undefined ? recordCutter(format) : null,
      segmentBytes: options.segmentBytes ?? Number.POSITIVE_INFINITY,
      header: format.format === 'delimited' && format.header !== false,
      maxHeaderBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      pathFor: (i) => join(scratch, `${prefix}-${i}`),
    });

  async function* parts(): AsyncGenerator<LocalPart> {
    const kind = archiveKind(format.compressionType);
    if (!kind) {
      if (options.maxBytes !== undefined) {
        const path = join(scratch, 'source');
        const spooled = await spool(file, format, path, { ...plainOptions, maxBytes: options.maxBytes });
        inputBytes = () => spooled.inputBytes;
        yield { label: file.path, path };
        return;
      }
      const local = await inPlace(file, format);
      if (local) {
        inputBytes = () => local.bytes;
        yield { label: file.path, path: local.path };
        return;
      }
      // The download is stopped at once when the parts' reader stops early, not when its next bytes arrive.
      const download = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, download.signal]) : download.signal;
      const plain = await openPlain(file, format, { ...plainOptions, signal });
      inputBytes = () => plain.inputBytes;
      for await (const path of cut(plain.chunks, 'source', () => download.abort())) yield { label: file.path, path };
      return;
    }
    if (format.format === 'parquet')
      throw new FileFailure(FileCode.badFormat, `compressionType "${format.compressionType}" applies to delimited and JSON files only`);
    // Entries are found from the archive's index (a zip's sits at its end), so the archive itself is kept whole.
    const archive = join(scratch, 'archive');
    const spooled = await spool(file, format, archive, { ...plainOptions, raw: true });
    inputBytes = () => spooled.inputBytes;
    try {
      const entries = kind === 'tar' ? await tarEntries(archive) : await zipEntries(archive);
      for (const [i, entry] of entries.entries()) {
        // "archive!/entry" keeps the archive's own path recognisable in row errors.
        const label = `${file.path}!/${entry.name}`;
        for await (const path of cut(entryBytes(archive, entry, format, label, options.limits), `entry-${i}`)) yield { label, path };
      }
    } finally {
      await rm(archive, { force: true });
    }
  }
  return {
    parts: parts(),
    get inputBytes() {
      return inputBytes();
    },
  };
}

/** One archive entry's bytes, inflated and UTF-8. */
function entryBytes(archive: string, entry: ArchiveEntry, format: SourceFormat, label: string, limits?: DecompressionLimits): AsyncIterable<Buffer> {
  const stages: Transform[] = [];
  // A deflated zip entry is judged against its own compressed size.
  if (entry.method === 'deflate')
    stages.push(
      createInflateRaw(INFLATE_OPTIONS),
      decompressionGuard(label, () => entry.size, limits),
    );
  const transcode = format.format === 'delimited' ? transcoder(format.encoding) : null;
  if (transcode) stages.push(transcode);
  // createReadStream's `end` is inclusive, so an empty entry cannot be a range; it still needs its (empty) part.
  const source = entry.size > 0 ? createReadStream(archive, { start: entry.offset, end: entry.offset + entry.size - 1 }) : Readable.from([]);
  const failure = (error: unknown) =>
    error instanceof FileFailure ? error : new FileFailure(FileCode.badCompression, `cannot unpack ${entry.name}: ${(error as Error).message}`);
  return streamChunks([source, ...stages], failure);
}
