import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServiceError, invalid } from '../errors.js';

/**
 * The bytes of uploads, in a batch's upload area (a local folder the lake keeps with its staging areas).
 * Each file is stored under a hash of its upload path, so a client's path never becomes a filesystem path.
 */
export function storedName(uploadPath: string): string {
  return createHash('sha256').update(uploadPath).digest('hex');
}

export const storedPath = (area: string, uploadPath: string) => join(area, storedName(uploadPath));

/** Counts bytes through, and fails the stream once more than `max` have come. */
function limiter(max: number, tooMany: () => Error): Transform & { count: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.count += chunk.length;
      if (counter.count > max) callback(tooMany());
      else callback(null, chunk);
    },
  }) as Transform & { count: number };
  counter.count = 0;
  return counter;
}

/**
 * A whole small file: written under a temporary name and renamed once complete, so an upload cut short leaves
 * the previous version (or nothing) in place. Returns the size.
 */
export async function writeWhole(area: string, uploadPath: string, body: Readable, maxBytes: number): Promise<number> {
  const temporary = join(area, `.upload-${randomBytes(6).toString('hex')}`);
  const counter = limiter(
    maxBytes,
    () => new ServiceError('too_large', `the file is larger than the ${maxBytes} bytes a single PUT accepts; upload it as a large file`),
  );
  try {
    await pipeline(body, counter, createWriteStream(temporary));
    await rename(temporary, storedPath(area, uploadPath));
    return counter.count;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** An empty file for a large upload (INITIALIZE). */
export async function createEmpty(area: string, uploadPath: string): Promise<void> {
  await (await open(storedPath(area, uploadPath), 'w')).close();
}

/**
 * One chunk of a large file, written in place at its offset. Resolves only when exactly `end - start + 1` bytes
 * arrived: a body cut short (or too long) rejects, and the caller then records nothing for the chunk.
 */
export async function writeChunk(area: string, uploadPath: string, body: Readable, start: number, end: number): Promise<void> {
  const expected = end - start + 1;
  const counter = limiter(expected, () => new ServiceError('invalid', `the body holds more than the ${expected} bytes its Content-Range announces`));
  await pipeline(body, counter, createWriteStream(storedPath(area, uploadPath), { flags: 'r+', start }));
  if (counter.count !== expected)
    throw invalid(`the chunk is incomplete: ${counter.count} of the ${expected} bytes of its Content-Range arrived; send it again`);
}

/** Cuts a completed large file to its final size (a longer chunk attempt may have written past it). */
export async function truncateTo(area: string, uploadPath: string, size: number): Promise<void> {
  const handle = await open(storedPath(area, uploadPath), 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
