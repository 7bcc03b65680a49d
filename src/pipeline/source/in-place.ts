import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { SourceFile, SourceFormat } from '../contracts.js';
import { FileCode, FileFailure } from '../errors.js';
import { transcoder } from './encoding.js';

/**
 * DuckDB expands these in a path it is given (globs), so such a path could name other files than
 * the one meant: those files are copied first, under a plain name.
 */
const GLOB = /[*?[\]{}]/;

/**
 * The local path of a source file that readers can take as it is — on this machine's disk, neither
 * compressed nor in need of transcoding — with its size; null when the file must be copied first.
 * Saves writing a copy of every byte (and reading it back) for local-folder sources.
 */
export async function inPlace(file: SourceFile, format: SourceFormat): Promise<{ path: string; bytes: number } | null> {
  if (!file.localPath) return null;
  // The same checks, in the same order, as the copy would make before opening the file.
  if (format.compressionType !== undefined) return null;
  if (format.format === 'delimited' && transcoder(format.encoding)) return null;
  let path: string | null;
  let bytes: number;
  try {
    path = await file.localPath();
    if (path === null || !isAbsolute(path) || GLOB.test(path)) return null;
    bytes = (await stat(path)).size;
  } catch (error) {
    if (error instanceof FileFailure) throw error;
    throw new FileFailure(FileCode.storageUnreachable, `cannot open ${file.path}: ${(error as Error).message}`);
  }
  return { path, bytes };
}
