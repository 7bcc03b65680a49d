import { Transform, type Duplex, type TransformCallback } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { bunzip2 } from './bzip2.js';

/**
 * Options of every inflating stream: output in 1 MiB pieces rather than zlib's 16 KiB, whose callback per piece
 * cost more than the inflating itself (a 24 MB gzip CSV of 98 MB: 0.75-0.8 cpu-s with 16 KiB, 0.2-0.25 with 1 MiB).
 */
export const INFLATE_OPTIONS = { chunkSize: 1024 * 1024 } as const;

/**
 * The stream that turns a source file's bytes into plain bytes for its declared compression,
 * or null when the file is not compressed. Archives (tar, zip) are unpacked after the copy,
 * by archive.ts; a gzip-compressed tar is gunzipped here first.
 */
export function decompressor(compressionType: SourceFormat['compressionType'] | undefined): Duplex | null {
  switch (compressionType) {
    case undefined:
    case 'tar':
    case 'zipDeflate':
      return null;
    case 'gzip':
    case 'tarGzip':
      return createGunzip(INFLATE_OPTIONS);
    case 'deflate':
      return new DeflateAuto();
    case 'bzip2':
      return bunzip2();
    default:
      throw new FileFailure(
        FileCode.unsupportedCompression,
        `unsupported compressionType "${String(compressionType)}": supported are gzip, deflate, bzip2, tar, tarGzip and zipDeflate`,
      );
  }
}

/**
 * "deflate" files come both as zlib streams (RFC 1950, what most tools write) and as raw
 * deflate (RFC 1951). The first two bytes tell them apart: a zlib header names method 8 and
 * is a multiple of 31.
 */
class DeflateAuto extends Transform {
  private inner: Transform | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      const zlibHeader = chunk.length >= 2 && (chunk[0]! & 0x0f) === 8 && ((chunk[0]! << 8) | chunk[1]!) % 31 === 0;
      this.inner = zlibHeader ? createInflate(INFLATE_OPTIONS) : createInflateRaw(INFLATE_OPTIONS);
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (error) => this.destroy(error));
    }
    if (this.inner.write(chunk)) done();
    else this.inner.once('drain', () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) {
      done();
      return;
    }
    this.inner.once('end', () => done());
    this.inner.end();
  }
}

/** The archive format a compression type names, if any. */
export function archiveKind(compressionType: SourceFormat['compressionType'] | undefined): 'tar' | 'zip' | null {
  if (compressionType === 'tar' || compressionType === 'tarGzip') return 'tar';
  if (compressionType === 'zipDeflate') return 'zip';
  return null;
}
