import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { LakeError } from './errors.js';
import { assertFileName, assertSegment, assertTablePath } from './ids.js';
import type { BatchLocation, BatchStaging, Lake, LakeFile, LocalFiles, TableFileRef, TableStaging } from './lake.js';
import { walk } from './walk.js';
import { removeStagingAreas, TABLE_STAGING_PREFIX } from './staging-areas.js';
import { localTableFiles } from './iceberg/local-table-files.js';
import { batchFileUris, COMPACTED_FOLDER, type DatasetLocation, type LakeTable } from './table-format.js';

/** Staging and trash live under the root so that a commit or a removal is a rename within one filesystem. */
const STAGING = '_staging';

/** Flushes a file or folder to disk, so that a crash after the commit's rename cannot leave truncated files behind it. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

class LocalStaging implements BatchStaging {
  private state: 'open' | 'committed' | 'discarded' = 'open';

  constructor(
    readonly dir: string,
    private readonly target: string,
    private readonly parent: string,
  ) {}

  async commit(): Promise<LakeFile[]> {
    if (this.state !== 'open') throw new LakeError('staging_closed', `staging area already ${this.state}`);
    const files = await walk(this.dir);
    for (const file of files) await fsyncPath(join(this.dir, file.name));
    await mkdir(this.parent, { recursive: true });
    // rename() silently replaces an empty folder; a batch is committed once, so an existing target is an error.
    if (await exists(this.target)) throw new LakeError('already_committed', 'batch is already committed in the lake');
    // The one step that publishes the batch: readers see either no folder or the complete one.
    await rename(this.dir, this.target);
    await fsyncPath(this.parent).catch(() => undefined);
    this.state = 'committed';
    return files;
  }

  async discard(): Promise<void> {
    // Once committed, the folder belongs to the lake; removing it is removeBatch's job.
    if (this.state !== 'open') return;
    this.state = 'discarded';
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Files for a table outside its batches: each is published by a hard link that never replaces an existing file. */
class LocalTableStaging implements TableStaging {
  private state: 'open' | 'committed' | 'discarded' = 'open';

  constructor(
    readonly dir: string,
    private readonly tableDir: string,
  ) {}

  async commit(): Promise<LakeFile[]> {
    if (this.state !== 'open') throw new LakeError('staging_closed', `staging area already ${this.state}`);
    const files = await walk(this.dir);
    const target = join(this.tableDir, COMPACTED_FOLDER);
    await mkdir(target, { recursive: true });
    const published: LakeFile[] = [];
    try {
      for (const file of files) {
        if (file.name.includes('/')) throw new LakeError('bad_name', `a table file is written flat, not in folders: ${file.name}`);
        await fsyncPath(join(this.dir, file.name));
        // link() fails on an existing name, where rename() would silently replace a file a snapshot may list.
        await link(join(this.dir, file.name), join(target, file.name));
        published.push({ name: `${COMPACTED_FOLDER}/${file.name}`, size: file.size });
      }
      await fsyncPath(target).catch(() => undefined);
    } catch (error) {
      for (const file of published) await unlink(join(this.tableDir, file.name)).catch(() => undefined);
      throw error;
    }
    this.state = 'committed';
    await rm(this.dir, { recursive: true, force: true });
    return published;
  }

  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The lake in a local folder: `{root}/{orgId}/{sandboxId}/{datasetId}/{batchId}/…`. */
export class LocalLake implements Lake {
  constructor(readonly root: string) {}

  private datasetDir(location: Omit<BatchLocation, 'batchId'>): string {
    return join(
      this.root,
      assertSegment('org id', location.orgId),
      assertSegment('sandbox id', location.sandboxId),
      assertSegment('dataset id', location.datasetId),
    );
  }

  private batchDir(location: BatchLocation): string {
    return join(this.datasetDir(location), assertSegment('batch id', location.batchId));
  }

  /** The dataset's Iceberg table: its folder is the table's root, metadata files in `metadata/` beside the batches. */
  table(location: DatasetLocation): LakeTable {
    const dir = this.datasetDir(location);
    const root = pathToFileURL(dir).href;
    return { location: root, files: localTableFiles(dir), ...batchFileUris(root) };
  }

  async stage(location: BatchLocation): Promise<BatchStaging> {
    const target = this.batchDir(location);
    const dir = join(this.root, STAGING, `${location.batchId}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return new LocalStaging(dir, target, this.datasetDir(location));
  }

  async uploadArea(location: BatchLocation): Promise<string> {
    this.batchDir(location); // checks the ids
    const dir = join(this.root, STAGING, `${location.batchId}-uploads`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async listFiles(location: BatchLocation): Promise<LakeFile[]> {
    return walk(this.batchDir(location));
  }

  async readFile(location: BatchLocation, name: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = join(this.batchDir(location), assertFileName(name));
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new LakeError('not_found', `file not found: ${name}`);
    if (range && (range.start < 0 || range.end < range.start)) throw new LakeError('bad_name', 'invalid byte range');
    return createReadStream(path, range ? { start: range.start, end: Math.min(range.end, info.size - 1) } : {});
  }

  /** The files themselves: a local lake has nothing to cache, so there is nothing to release. */
  async datasetFiles(location: Omit<BatchLocation, 'batchId'>, batchIds?: string[]): Promise<LocalFiles> {
    const dir = this.datasetDir(location);
    const folders = batchIds
      ? batchIds.map((id) => assertSegment('batch id', id))
      : (await readdir(dir).catch(() => [] as string[])).filter((folder) => folder !== COMPACTED_FOLDER && folder !== 'metadata');
    const paths: string[] = [];
    for (const folder of folders) {
      const files = await walk(join(dir, folder));
      paths.push(...files.filter((f) => f.name.endsWith('.parquet')).map((f) => join(dir, folder, f.name)));
    }
    return { paths, release: () => undefined };
  }

  /** The files themselves, by their place under the dataset's folder. */
  async tableFiles(location: DatasetLocation, files: TableFileRef[]): Promise<LocalFiles> {
    const dir = this.datasetDir(location);
    return { paths: files.map((file) => join(dir, assertTablePath(file.path))), release: () => undefined };
  }

  async stageTableFiles(location: DatasetLocation): Promise<TableStaging> {
    const tableDir = this.datasetDir(location);
    const dir = join(this.root, STAGING, `${TABLE_STAGING_PREFIX}${location.datasetId}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return new LocalTableStaging(dir, tableDir);
  }

  async removeTableFiles(location: DatasetLocation, paths: string[]): Promise<void> {
    const dir = this.datasetDir(location);
    for (const path of paths) await rm(join(dir, assertTablePath(path)), { force: true });
  }

  async removeBatch(location: BatchLocation): Promise<void> {
    await this.moveAndRemove(this.batchDir(location), location.batchId);
  }

  async removeDataset(location: Omit<BatchLocation, 'batchId'>): Promise<void> {
    await this.moveAndRemove(this.datasetDir(location), location.datasetId);
  }

  async abandonStaging(batchId: string): Promise<void> {
    assertSegment('batch id', batchId);
    await removeStagingAreas(join(this.root, STAGING), `${batchId}-`);
  }

  async abandonTableStaging(olderThanMs: number): Promise<void> {
    await removeStagingAreas(join(this.root, STAGING), TABLE_STAGING_PREFIX, olderThanMs);
  }

  /** Renames a folder out of sight before deleting it, so no reader ever lists a half-deleted batch. */
  private async moveAndRemove(dir: string, id: string): Promise<void> {
    const trash = join(this.root, STAGING, `trash-${id}-${randomBytes(6).toString('hex')}`);
    await mkdir(join(this.root, STAGING), { recursive: true });
    try {
      await rename(dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
  }
}
