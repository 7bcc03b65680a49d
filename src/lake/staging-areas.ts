import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The name prefix of table staging areas (compaction's), so that start-up can find those a dead process left. */
export const TABLE_STAGING_PREFIX = 'table-';

/**
 * Removes the staging areas under `root` whose names start with `prefix` (a batch's, or a table's compaction
 * areas) and, when `olderThanMs` is given, that were last changed longer ago than that: an area still being
 * written by another process on the same lake folder is younger.
 */
export async function removeStagingAreas(root: string, prefix: string, olderThanMs?: number, nowMs = Date.now()): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((entry) => entry.startsWith(prefix))
      .map(async (entry) => {
        const dir = join(root, entry);
        if (olderThanMs !== undefined) {
          const changed = await stat(dir).then(
            (s) => s.mtimeMs,
            () => null,
          );
          if (changed === null || nowMs - changed < olderThanMs) return;
        }
        await rm(dir, { recursive: true, force: true });
      }),
  );
}
