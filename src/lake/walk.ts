import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LakeFile } from './lake.js';

/**
 * Files of a folder, recursively, as "/"-separated names relative to it, in name order, with when each was last
 * modified. Hidden files (writers' temporaries) are skipped; a file or folder removed while it is walked (another
 * process deleting) is simply not listed.
 */
export async function walkWithTimes(dir: string, prefix = ''): Promise<Array<LakeFile & { modifiedMs: number }>> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: Array<LakeFile & { modifiedMs: number }> = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      files.push(...(await walkWithTimes(join(dir, entry.name), name)));
      continue;
    }
    if (!entry.isFile()) continue;
    try {
      const info = await stat(join(dir, entry.name));
      files.push({ name, size: info.size, modifiedMs: info.mtimeMs });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

/** Files of a folder, recursively, by name and size (see walkWithTimes). */
export async function walk(dir: string): Promise<LakeFile[]> {
  return (await walkWithTimes(dir)).map(({ name, size }) => ({ name, size }));
}
