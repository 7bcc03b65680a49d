import { PassThrough, Transform, type Duplex, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { decompressor } from './decompress.js';
import { decompressionGuard, type DecompressionLimits } from './decompression-guard.js';
import { transcoder } from './encoding.js';
import { LocalFileWriter } from './local-file-writer.js';

export interface Spooled {
  /** Bytes read from the source (compressed size when compressed). */
  inputBytes: number;
  /** True when `maxBytes` cut the copy short. */
  truncated: boolean;
}

export interface PlainBytes {
  /** The file's bytes, decompressed and UTF-8; read failures come out as FileFailures. Stopping early tears the source down. */
  chunks: AsyncIterable<Buffer>;
  /** Bytes read from the source so far (compressed size when compressed). */
  readonly inputBytes: number;
}

export interface PlainOptions {
  signal?: AbortSignal;
  /** The text is not transcoded (archives, whose entries are transcoded when unpacked). */
  raw?: boolean;
  limits?: DecompressionLimits;
}

/**
 * A source file's bytes as plain UTF-8, because DuckDB reads only local files (it cannot fetch from
 * object stores here) and the readers read UTF-8. Bytes flow through with backpressure: the source is
 * read only as fast as the consumer takes them, so memory stays bounded whatever the file's size.
 */
export async function openPlain(file: SourceFile, format: SourceFormat, options: PlainOptions = {}): Promise<PlainBytes> {
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
  const failure = (error: unknown): unknown => {
    if ((error as Error).name === 'AbortError' || error instanceof FileFailure) return error;
    if (decompress && isZlibError(error))
      return new FileFailure(FileCode.badCompression, `cannot decompress ${file.path} as ${format.compressionType}: ${(error as Error).message}`);
    return new FileFailure(FileCode.storageUnreachable, `cannot read ${file.path}: ${(error as Error).message}`);
  };
  return {
    chunks: streamChunks([source, counter, ...stages], failure, options.signal),
    get inputBytes() {
      return counter.bytes;
    },
  };
}

/**
 * Copies a source file, plain and UTF-8, to one local path. With `maxBytes` (previews) the copy stops
 * after that much plain text, at a line end, and the rest of the source is not read.
 */
export async function spool(
  file: SourceFile,
  format: SourceFormat,
  localPath: string,
  options: PlainOptions & { maxBytes?: number } = {},
): Promise<Spooled> {
  const plain = await openPlain(file, format, options);
  const sink = new LocalFileWriter(localPath);
  let truncated = false;
  try {
    for await (const chunk of plain.chunks) {
      if (options.maxBytes !== undefined && sink.bytes + chunk.length > options.maxBytes) {
        const head = chunk.subarray(0, options.maxBytes - sink.bytes);
        const cut = head.lastIndexOf(0x0a);
        await sink.write(cut >= 0 ? head.subarray(0, cut + 1) : head);
        truncated = true;
        break;
      }
      await sink.write(chunk);
    }
  } finally {
    await sink.close();
  }
  return { inputBytes: plain.inputBytes, truncated };
}

/**
 * The output of a chain of streams as chunks, with backpressure. Any stage's failure comes out of the
 * iteration, as `failure` makes it; stopping the iteration early tears every stage down.
 */
export async function* streamChunks(
  streams: Array<Readable | Duplex>,
  failure: (error: unknown) => unknown,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const out = new PassThrough();
  const done = pipeline([...streams, out], signal ? { signal } : {});
  // Its failure is read where the bytes are (below); a consumer that stops early makes it fail too, unheard.
  done.catch(() => undefined);
  const reading = out[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await reading.next();
      } catch (error) {
        // The pipeline knows the first failure of any stage; the last stage may only know it closed early.
        throw failure(
          await done.then(
            () => error,
            (cause: unknown) => cause,
          ),
        );
      }
      if (next.done) break;
      yield next.value;
    }
    await done.catch((cause: unknown) => {
      throw failure(cause);
    });
  } finally {
    out.destroy();
  }
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
