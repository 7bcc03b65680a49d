import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TableFiles } from './commit.js';

/** A table's files in a local folder, recorded as file:// URIs (what Spark, Trino and DuckDB open for a local table). */
export function localTableFiles(tableDir: string): TableFiles {
  return {
    async write(relative, bytes) {
      const path = join(tableDir, relative);
      await mkdir(dirname(path), { recursive: true });
      // Never overwritten: every metadata file has a new name, and Iceberg files are immutable once written.
      await writeFile(path, bytes, { flag: 'wx' });
      return pathToFileURL(path).href;
    },
    read: (uri) => readFile(fileURLToPath(uri)),
  };
}
