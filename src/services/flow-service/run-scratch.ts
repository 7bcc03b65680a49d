import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The working folders of runs, one per run under the home's scratch folder (never the system temp dir,
 * where a killed run's files would stay forever): a run removes its own when it ends, and the folders of
 * runs that are no longer in progress (their process was killed) are swept.
 */
export class RunScratch {
  constructor(private readonly root: string) {}

  /** Creates the run's folder and returns it. */
  async open(runId: string): Promise<string> {
    const dir = join(this.root, runId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async remove(runId: string): Promise<void> {
    await rm(join(this.root, runId), { recursive: true, force: true });
  }

  /**
   * Removes the folders of runs `inProgress` does not keep. The folders are listed before the runs are
   * asked about, so a run that claims its folder meanwhile is already in progress when asked.
   */
  async sweep(inProgress: (runIds: string[]) => Promise<Set<string>>): Promise<number> {
    const names = await readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    if (names.length === 0) return 0;
    const keep = await inProgress(names);
    const gone = names.filter((name) => !keep.has(name));
    await Promise.all(gone.map((name) => rm(join(this.root, name), { recursive: true, force: true })));
    return gone.length;
  }
}
