import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LakeFile } from './lake.js';

/** Files of a folder, recursively, as "/"-separated names relative to it; hidden files (writers' temporaries) are skipped. */
export async function walk(dir: string, prefix = ''): Promise<LakeFile[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: LakeFile[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await walk(join(dir, entry.name), name)));
    else if (entry.isFile()) files.push({ name, size: (await stat(join(dir, entry.name))).size });
  }
  return files;
}
