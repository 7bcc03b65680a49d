import { Transform, type TransformCallback } from 'node:stream';
import { FileCode, FileFailure } from '../errors.js';

/**
 * The transcoder that makes a delimited file UTF-8 (all the parsers read UTF-8), or null when it
 * already is. AEP accepts UTF-8 and ISO-8859-1 for delimited files.
 */
export function transcoder(encoding: string | undefined): Transform | null {
  const name = (encoding ?? 'UTF-8').toUpperCase().replace(/_/g, '-');
  if (name === 'UTF-8' || name === 'UTF8') return null;
  if (name === 'ISO-8859-1' || name === 'LATIN1' || name === 'ISO8859-1') return new Latin1ToUtf8();
  throw new FileFailure(FileCode.unsupportedEncoding, `unsupported encoding "${encoding}": supported are UTF-8 and ISO-8859-1`);
}

/** ISO-8859-1 is one byte per code point, so chunks can be converted independently. */
class Latin1ToUtf8 extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // Node's "latin1" is true ISO-8859-1 (WHATWG's TextDecoder would apply windows-1252 instead).
    done(null, Buffer.from(chunk.toString('latin1'), 'utf8'));
  }
}
