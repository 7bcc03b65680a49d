import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LakeError } from '../errors.js';
import { walkWithTimes } from '../walk.js';
import type { TableFiles } from './commit.js';

/** A table's files in a local folder, recorded as file:// URIs (what Spark, Trino and DuckDB open for a local table). */
export function localTableFiles(tableDir: string): TableFiles {
  const base = pathToFileURL(tableDir).href;
  /** The path of a URI of this table, refusing any other: upkeep deletes only inside the table's folder. */
  const pathOf = (uri: string) => {
    if (!uri.startsWith(`${base}/`)) throw new LakeError('bad_name', `not a file of this table: ${uri}`);
    return fileURLToPath(uri);
  };
  return {
    async write(relative, bytes) {
      const path = join(tableDir, relative);
      await mkdir(dirname(path), { recursive: true });
      // Never overwritten: every metadata file has a new name, and Iceberg files are immutable once written.
      await writeFile(path, bytes, { flag: 'wx' });
      return pathToFileURL(path).href;
    },
    async read(uri) {
      try {
        return await readFile(fileURLToPath(uri));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LakeError('not_found', `no table file at ${uri}`);
        throw error;
      }
    },
    async list() {
      return (await walkWithTimes(tableDir)).map((file) => ({
        uri: pathToFileURL(join(tableDir, file.name)).href,
        size: file.size,
        modifiedMs: file.modifiedMs,
      }));
    },
    async delete(uri) {
      await rm(pathOf(uri), { force: true });
    },
  };
}
