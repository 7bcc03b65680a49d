import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { decompressor } from './decompress.js';
import { transcoder } from './encoding.js';

export interface Spooled {
  /** Bytes read from the source (compressed size when compressed). */
  inputBytes: number;
  /** Bytes written to the local file. */
  localBytes: number;
  /** True when `maxBytes` cut the copy short. */
  truncated: boolean;
}

/**
 * Copies a source file to a local path, plain and UTF-8, because DuckDB reads only local files
 * (it cannot fetch from object stores here). Memory stays bounded: bytes flow through.
 * With `maxBytes` (previews) the copy stops after that much plain text, at a line end.
 */
export async function spool(file: SourceFile, format: SourceFormat, localPath: string, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<Spooled> {
  const stages: Transform[] = [];
  const decompress = decompressor(format.compressionType);
  if (decompress) stages.push(decompress);
  if (format.format === 'delimited') {
    const transcode = transcoder(format.encoding);
    if (transcode) stages.push(transcode);
  }
  const limit = options.maxBytes !== undefined ? truncate(options.maxBytes) : null;

  let source: Readable;
  try {
    source = await file.open();
  } catch (error) {
    throw new FileFailure(FileCode.unreadable, `cannot open ${file.path}: ${(error as Error).message}`);
  }
  const counter = new ByteCounter();
  const sink = createWriteStream(localPath);
  try {
    const steps: unknown[] = [source, counter, ...stages, ...(limit ? [limit.step] : []), sink];
    // The typings of pipeline() cannot express a variable-length list that mixes streams and generators.
    await (pipeline as unknown as (steps: unknown[], options: { signal?: AbortSignal }) => Promise<void>)(steps, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (limit?.reached && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      // Expected: the preview had enough and closed the source early.
    } else if ((error as Error).name === 'AbortError') {
      throw error;
    } else if (decompress && isZlibError(error)) {
      throw new FileFailure(FileCode.badCompression, `cannot decompress ${file.path} as ${format.compressionType}: ${(error as Error).message}`);
    } else {
      throw new FileFailure(FileCode.unreadable, `cannot read ${file.path}: ${(error as Error).message}`);
    }
  }
  return { inputBytes: counter.bytes, localBytes: sink.bytesWritten, truncated: limit?.reached ?? false };
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

/** A pipeline step passing bytes until `max`, then cutting at the last newline and ending the copy. */
function truncate(max: number): { reached: boolean; step: (chunks: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> } {
  const state = {
    reached: false,
    async *step(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      let passed = 0;
      for await (const chunk of chunks) {
        if (passed + chunk.length <= max) {
          passed += chunk.length;
          yield chunk;
          continue;
        }
        const head = chunk.subarray(0, max - passed);
        const cut = head.lastIndexOf(0x0a);
        state.reached = true;
        yield cut >= 0 ? head.subarray(0, cut + 1) : head;
        return;
      }
    },
  };
  return state;
}
