import { Transform, type TransformCallback } from 'node:stream';
import type { DecompressionLimits } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';

export type { DecompressionLimits };

/**
 * Ordinary data compresses 3–20:1 and very repetitive exports seldom past 50:1; a bomb aims for hundreds or
 * thousands to one. Judging the ratio only past a floor lets small, highly redundant files through.
 */
export const DECOMPRESSION_DEFAULTS: Required<DecompressionLimits> = { maxBytes: 16 * 1024 ** 3, maxRatio: 100, ratioFloorBytes: 64 * 1024 ** 2 };

/**
 * Sits right after a decompressor and fails the file as soon as its output passes the size limit, or
 * grows too fast for the compressed bytes read so far: a bomb is stopped while it expands, before it
 * fills the disk, not after.
 */
export function decompressionGuard(label: string, compressedSoFar: () => number, limits: DecompressionLimits = {}): Transform {
  const { maxBytes, maxRatio, ratioFloorBytes } = { ...DECOMPRESSION_DEFAULTS, ...limits };
  let plain = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      plain += chunk.length;
      if (plain > maxBytes) {
        return done(
          new FileFailure(
            FileCode.tooLarge,
            `${label} expands past ${maxBytes} bytes once decompressed: refused as a decompression bomb after ${plain} bytes`,
          ),
        );
      }
      const compressed = Math.max(1, compressedSoFar());
      if (plain > ratioFloorBytes && plain / compressed > maxRatio) {
        const ratio = Math.round(plain / compressed);
        return done(
          new FileFailure(
            FileCode.decompressionBomb,
            `${label} expands ${ratio}:1 (limit ${maxRatio}:1): refused as a decompression bomb after ${plain} bytes`,
          ),
        );
      }
      done(null, chunk);
    },
  });
}
