import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Transform, type Duplex, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { decompressor } from './decompress.js';
import { decompressionGuard, type DecompressionLimits } from './decompression-guard.js';
import { transcoder } from './encoding.js';

export interface Spooled {
  /** Bytes read from the source (compressed size when compressed). */
  inputBytes: number;
  /** True when `maxBytes` cut the copy short. */
  truncated: boolean;
}

/**
 * Copies a source file to a local path, plain and UTF-8, because DuckDB reads only local files
 * (it cannot fetch from object stores here). Memory stays bounded: bytes flow through.
 * With `maxBytes` (previews) the copy stops after that much plain text, at a line end;
 * with `raw` the text is not transcoded (archives, whose entries are transcoded when unpacked).
 */
export async function spool(
  file: SourceFile,
  format: SourceFormat,
  localPath: string,
  options: { maxBytes?: number; signal?: AbortSignal; raw?: boolean; limits?: DecompressionLimits } = {},
): Promise<Spooled> {
  const stages: Duplex[] = [];
  const counter = new ByteCounter();
  const decompress = decompressor(format.compressionType);
  if (decompress)
    stages.push(
      decompress,
      decompressionGuard(file.path, () => counter.bytes, options.limits),
    );
  // An archive is copied as bytes; its entries are transcoded one by one when unpacked.
  if (format.format === 'delimited' && !options.raw) {
    const transcode = transcoder(format.encoding);
    if (transcode) stages.push(transcode);
  }
  let source: Readable;
  try {
    source = await file.open();
  } catch (error) {
    // The caller may classify its storage's failure itself (permission, not found, …).
    if (error instanceof FileFailure) throw error;
    throw new FileFailure(FileCode.storageUnreachable, `cannot open ${file.path}: ${(error as Error).message}`);
  }
  const sink = createWriteStream(localPath);
  const put = async (chunk: Buffer) => {
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  const state = { written: 0, truncated: false };
  // The local file is written here, not by the pipeline, so that stopping early still keeps what was written.
  const write = async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      if (options.maxBytes !== undefined && state.written + chunk.length > options.maxBytes) {
        const head = chunk.subarray(0, options.maxBytes - state.written);
        const cut = head.lastIndexOf(0x0a);
        await put(cut >= 0 ? head.subarray(0, cut + 1) : head);
        state.truncated = true;
        return;
      }
      await put(chunk);
      state.written += chunk.length;
    }
  };
  try {
    // The typings of pipeline() cannot express a variable-length list that mixes streams and functions.
    await (pipeline as unknown as (steps: unknown[], options: { signal?: AbortSignal }) => Promise<void>)(
      [source, counter, ...stages, write],
      options.signal ? { signal: options.signal } : {},
    );
  } catch (error) {
    if (state.truncated && !options.signal?.aborted) {
      // Expected: the preview had enough, and stopping the copy early tears the source down.
    } else if ((error as Error).name === 'AbortError' || error instanceof FileFailure) {
      throw error;
    } else if (decompress && isZlibError(error)) {
      throw new FileFailure(FileCode.badCompression, `cannot decompress ${file.path} as ${format.compressionType}: ${(error as Error).message}`);
    } else {
      throw new FileFailure(FileCode.storageUnreachable, `cannot read ${file.path}: ${(error as Error).message}`);
    }
  } finally {
    sink.end();
    await finished(sink).catch(() => undefined);
  }
  return { inputBytes: counter.bytes, truncated: state.truncated };
}

function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return code.startsWith('Z_') || typeof (error as { errno?: unknown }).errno === 'number';
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}
