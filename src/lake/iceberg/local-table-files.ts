import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LakeError } from '../errors.js';
import { walk } from '../walk.js';
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
      const found = [];
      for (const file of await walk(tableDir)) {
        const path = join(tableDir, file.name);
        // A file removed between the walk and its stat was someone else's removal: it is simply not there.
        const info = await stat(path).catch(() => null);
        if (info) found.push({ uri: pathToFileURL(path).href, size: info.size, modifiedMs: info.mtimeMs });
      }
      return found;
    },
    async delete(uri) {
      await rm(pathOf(uri), { force: true });
    },
  };
}
