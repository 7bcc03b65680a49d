import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import type { ArchiveEntry } from './archive/entries.js';
import { tarEntries } from './archive/tar.js';
import { zipEntries } from './archive/zip.js';
import { decompressionGuard, type DecompressionLimits } from './decompression-guard.js';
import { archiveKind } from './decompress.js';
import { transcoder } from './encoding.js';
import { inPlace } from './in-place.js';
import { spool } from './spool.js';

/** A plain, UTF-8, local file ready for a reader (read only: it may be the source itself); `label` names it in row errors. */
export interface LocalPart {
  label: string;
  path: string;
}

export interface Materialized {
  /** Bytes read from the source. */
  inputBytes: number;
  parts: LocalPart[];
}

/**
 * Makes a source file readable locally: one part for a plain or compressed file, one per entry
 * for an archive (each entry is a whole file with its own header, so entries are never joined).
 */
export async function materialize(
  file: SourceFile,
  format: SourceFormat,
  scratch: string,
  options: { signal?: AbortSignal; maxBytes?: number; limits?: DecompressionLimits } = {},
): Promise<Materialized> {
  const kind = archiveKind(format.compressionType);
  const signal = { ...(options.signal ? { signal: options.signal } : {}), ...(options.limits ? { limits: options.limits } : {}) };
  if (!kind) {
    // Previews (maxBytes) read a bounded copy; a whole file on the local disk is read where it lies.
    const local = options.maxBytes === undefined ? await inPlace(file, format) : null;
    if (local) return { inputBytes: local.bytes, parts: [{ label: file.path, path: local.path }] };
    const path = join(scratch, 'source');
    const spooled = await spool(file, format, path, { ...signal, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
    return { inputBytes: spooled.inputBytes, parts: [{ label: file.path, path }] };
  }
  if (format.format === 'parquet')
    throw new FileFailure(FileCode.badFormat, `compressionType "${format.compressionType}" applies to delimited and JSON files only`);
  const archive = join(scratch, 'archive');
  const spooled = await spool(file, format, archive, { ...signal, raw: true });
  const entries = kind === 'tar' ? await tarEntries(archive) : await zipEntries(archive);
  const parts: LocalPart[] = [];
  for (const [i, entry] of entries.entries()) {
    const path = join(scratch, `entry-${i}`);
    await extract(archive, entry, format, path, `${file.path}!/${entry.name}`, options.limits);
    // "archive!/entry" keeps the archive's own path recognisable in row errors.
    parts.push({ label: `${file.path}!/${entry.name}`, path });
  }
  return { inputBytes: spooled.inputBytes, parts };
}

async function extract(
  archive: string,
  entry: ArchiveEntry,
  format: SourceFormat,
  path: string,
  label: string,
  limits?: DecompressionLimits,
): Promise<void> {
  const stages: Transform[] = [];
  // A deflated zip entry is judged against its own compressed size.
  if (entry.method === 'deflate')
    stages.push(
      createInflateRaw(),
      decompressionGuard(label, () => entry.size, limits),
    );
  const transcode = format.format === 'delimited' ? transcoder(format.encoding) : null;
  if (transcode) stages.push(transcode);
  // createReadStream's `end` is inclusive, so an empty entry cannot be a range; it still needs its (empty) file.
  const source = entry.size > 0 ? createReadStream(archive, { start: entry.offset, end: entry.offset + entry.size - 1 }) : Readable.from([]);
  try {
    await pipeline([source, ...stages, createWriteStream(path)]);
  } catch (error) {
    if (error instanceof FileFailure) throw error;
    throw new FileFailure(FileCode.badCompression, `cannot unpack ${entry.name}: ${(error as Error).message}`);
  }
}
