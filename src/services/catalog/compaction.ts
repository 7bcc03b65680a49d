import { randomUUID } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db, Queryable } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { Lake, TableStaging } from '../../lake/lake.js';
import { decodeManifest, decodeManifestList, EntryStatus, type DataFile } from '../../lake/iceberg/manifests.js';
import { currentSnapshot, type TableMetadata } from '../../lake/iceberg/table-metadata.js';
import { parquetRowCount } from '../../lake/parquet-footer.js';
import type { DatasetLocation, LakeTable } from '../../lake/table-format.js';
import { openEngine, sqlString } from '../../pipeline/engine/duckdb.js';
import { commitDatasetChange, TableMovedOn } from './dataset-tables.js';
import { lockTable, readTable } from './iceberg-tables.repo.js';
import {
  deleteCompactedFiles,
  insertCompactedFiles,
  releaseCompactionLease,
  selectCompactedFiles,
  selectCompactedHolding,
  takeCompactionLease,
  type CompactedFile,
  type CompactionSource,
} from './compacted-files.repo.js';

/**
 * Background compaction of a dataset's Iceberg table (issues 14 and 15): streaming lands a batch every few seconds,
 * each one small Parquet file and one `append` snapshot; compaction rewrites the small live files into few large ones
 * under `{table}/compacted/` and commits them as one `replace` snapshot, every row kept exactly once.
 *
 * The rewrite runs outside any transaction; the commit locks the table's row and checks that every file it removes
 * is still live (a REVERT, a replay or another compaction may have taken one meanwhile) — if not, the written files
 * are removed and the dataset is compacted again later. A batch's own files stay in its folder (Data Access serves
 * them per batch) and in older snapshots; removing them is snapshot expiry's business, never compaction's.
 */

/** The queue of table compactions: one job compacts one dataset's table. */
export const COMPACT_QUEUE = 'tributary.table-compact';
export interface CompactJob {
  orgId: string;
  sandboxId: string;
  datasetId: string;
}
export type CompactJobs = { [COMPACT_QUEUE]: CompactJob };

export interface CompactionSettings {
  /** Bytes of one compacted file (`TRIBUTARY_COMPACT_TARGET_BYTES`); files under a quarter of it are small. */
  targetBytes: number;
  /** A dataset is compacted once it has this many small files (`TRIBUTARY_COMPACT_MIN_FILES`). */
  minFiles: number;
  /** How often datasets are looked at (`TRIBUTARY_COMPACT_INTERVAL_MS`); 0: never in the background. */
  intervalMs: number;
  /** The rewriting DuckDB's memory limit. */
  memoryLimit?: string;
}

export const DEFAULT_COMPACTION: CompactionSettings = { targetBytes: 128 * 1024 ** 2, minFiles: 16, intervalMs: 10 * 60_000 };

export type CompactionOutcome =
  | { status: 'compacted'; snapshotId: number; removedFiles: number; addedFiles: number }
  /** Too few small files, or no table. */
  | { status: 'nothing' }
  /** Another process holds the dataset's compaction lease. */
  | { status: 'busy' }
  /** The table changed under the rewrite; the written files were removed. */
  | { status: 'raced' }
  /** Asked to stop (the process is shutting down): nothing was committed, the written files were removed. */
  | { status: 'stopped' };

/** A live data file as a scan plans it: its manifest's partition spec and its partition. */
export interface LiveFile {
  dataFile: DataFile;
  specId: number;
  /** The file's partition values; null for an unpartitioned spec. */
  partition: Record<string, unknown> | null;
}

/** What a rewrite reads: a live file and the original batch files whose rows it holds (itself, for a batch's file). */
interface Candidate {
  file: LiveFile;
  sources: CompactionSource[];
}

/** Summary property of a compaction's snapshot: how many batches the files it wrote hold. */
export const SNAPSHOT_COMPACTED_BATCHES = 'tributary.compacted-batch-count';

/** A lease outlives any rewrite; a holder that died is taken over after it. */
const LEASE_MS = 30 * 60_000;

/** Parquet codecs DuckDB writes, by the name Iceberg's `write.parquet.compression-codec` gives them. */
const CODECS: Record<string, string> = { snappy: 'snappy', gzip: 'gzip', zstd: 'zstd', lz4: 'lz4', brotli: 'brotli', uncompressed: 'uncompressed' };

/** The data files of the current snapshot with the spec of the manifest listing them. */
export async function liveFiles(table: LakeTable, metadata: TableMetadata): Promise<LiveFile[]> {
  const snapshot = currentSnapshot(metadata);
  if (!snapshot) return [];
  const live: LiveFile[] = [];
  for (const manifest of await decodeManifestList(await table.files.read(snapshot['manifest-list'])))
    for (const entry of await decodeManifest(await table.files.read(manifest.manifestPath)))
      if (entry.status !== EntryStatus.deleted)
        live.push({ dataFile: entry.dataFile, specId: manifest.partitionSpecId, partition: entry.dataFile.partition ?? null });
  return live;
}

/**
 * The key a compacted file's inputs share: one partition of one spec, so a compacted file never mixes partitions.
 * An unpartitioned table has one group; a time-series table (by day of `timestamp`) one per day.
 */
export function partitionGroupKey(file: LiveFile): string {
  return `${file.specId}\u0000${file.partition === null ? '' : JSON.stringify(Object.entries(file.partition).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * Which files to rewrite into which: the small candidates of each partition group, cut in input order into runs of at
 * most `targetBytes` (each run one compacted file, so that each compacted file's originals are exactly known); runs of
 * one file are left alone, since rewriting them gains nothing.
 */
export function planRewrites<T extends { file: LiveFile }>(candidates: T[], targetBytes: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const candidate of candidates) {
    const key = partitionGroupKey(candidate.file);
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  const runs: T[][] = [];
  for (const group of groups.values()) {
    let run: T[] = [];
    let bytes = 0;
    for (const candidate of group) {
      const size = candidate.file.dataFile.fileSizeInBytes;
      if (run.length > 0 && bytes + size > targetBytes) {
        runs.push(run);
        run = [];
        bytes = 0;
      }
      run.push(candidate);
      bytes += size;
    }
    runs.push(run);
  }
  return runs.filter((run) => run.length > 1);
}

/** The partition a run's files share, as a data file carries it (nothing for an unpartitioned table). */
function partitionOf(run: Candidate[]): Pick<DataFile, 'partition'> {
  const partition = run[0]?.file.dataFile.partition;
  return partition ? { partition } : {};
}

/**
 * What a REVERT or a replay of `batchIds` changes besides removing their own files: every compacted file holding one
 * of them leaves the table, and the original files of the other, still `success`, batches it held come back, so the
 * change stays exact for the batches it is about. Their compaction rows go. Locks the table's row first, so that a
 * compaction committed meanwhile is seen. Runs inside the caller's transaction, before its commitDatasetChange.
 */
export async function undoCompactionOf(tx: Queryable, datasetId: string, batchIds: string[]): Promise<{ remove: string[]; add: DataFile[] }> {
  await lockTable(tx, datasetId);
  const held = await selectCompactedHolding(tx, datasetId, batchIds);
  if (held.length === 0) return { remove: [], add: [] };
  const others = [...new Set(held.flatMap((f) => f.sources.map((s) => s.batchId)))].filter((id) => !batchIds.includes(id));
  const landed = new Set(
    others.length
      ? (await tx.query<{ id: string }>(`select id from batches where id = any($1::text[]) and status = 'success'`, [others])).map((r) => r.id)
      : [],
  );
  const add = held.flatMap((f) =>
    f.sources
      .filter((s) => landed.has(s.batchId))
      .map((s) => ({
        filePath: s.filePath,
        recordCount: s.recordCount,
        fileSizeInBytes: s.fileSizeInBytes,
        ...(s.partition ? { partition: s.partition } : {}),
      })),
  );
  await deleteCompactedFiles(
    tx,
    datasetId,
    held.map((f) => f.fileUri),
  );
  return { remove: held.map((f) => f.fileUri), add };
}

export class TableCompactor {
  private readonly holder = randomUUID();
  private lastSweep = 0;
  /** Streaming micro-batches landed per dataset since its last compaction job from this process. */
  private readonly landedSince = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly lake: Lake,
    readonly settings: CompactionSettings,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void = () => undefined,
  ) {}

  /**
   * Start-up clean-up: the local staging areas of rewrites whose process died (what they published but never
   * committed is an orphan, for table upkeep). With one process on the lake folder every area is abandoned;
   * with several, only those untouched for `olderThanMs`, far longer than any rewrite.
   */
  abandonStaging(olderThanMs = 0): Promise<void> {
    return this.lake.abandonTableStaging(olderThanMs);
  }

  /** Files under this size are small. */
  get smallBytes(): number {
    return Math.floor(this.settings.targetBytes / 4);
  }

  /**
   * Datasets worth a look: those whose current snapshot lists at least `minFiles` files (read from the snapshot summary
   * the store keeps; the job itself then counts the small ones).
   */
  async candidates(): Promise<CompactJob[]> {
    const rows = await this.db.query<{ org_id: string; sandbox_id: string; id: string }>(
      `select d.org_id, d.sandbox_id, d.id
         from iceberg_tables t join datasets d on d.id = t.dataset_id
        where coalesce((jsonb_path_query_first(t.metadata, '$.snapshots[*] ? (@."snapshot-id" == $id)',
                         jsonb_build_object('id', t.metadata->'current-snapshot-id'))->'summary'->>'total-data-files')::int, 0) >= $1`,
      [this.settings.minFiles],
    );
    return rows.map((r) => ({ orgId: r.org_id, sandboxId: r.sandbox_id, datasetId: r.id }));
  }

  /**
   * The scheduler's upkeep, on each of its ticks: once per interval, a compaction job for each dataset worth a look
   * that has none waiting yet. Every process may sweep; the lease keeps two from compacting one dataset at once.
   */
  async sweep(queue: Pick<JobQueue<CompactJobs>, 'enqueue' | 'pending'>, now = Date.now()): Promise<number> {
    if (this.settings.intervalMs === 0 || now - this.lastSweep < this.settings.intervalMs) return 0;
    this.lastSweep = now;
    const waiting = new Set((await queue.pending(COMPACT_QUEUE)).map((job) => job.datasetId));
    let queued = 0;
    for (const job of await this.candidates()) {
      if (waiting.has(job.datasetId)) continue;
      await queue.enqueue(COMPACT_QUEUE, job, { singletonKey: `compact-${job.datasetId}` });
      queued++;
    }
    return queued;
  }

  /**
   * Counts a streaming micro-batch that landed: every `minFiles` of them a dataset gets a compaction job without
   * waiting for the next sweep (the job finds out whether its files are small). Never throws: streaming goes on.
   */
  noteLanded(queue: Pick<JobQueue<CompactJobs>, 'enqueue'>, job: CompactJob): void {
    if (this.settings.intervalMs === 0) return;
    const landed = (this.landedSince.get(job.datasetId) ?? 0) + 1;
    if (landed < this.settings.minFiles) {
      this.landedSince.set(job.datasetId, landed);
      return;
    }
    this.landedSince.delete(job.datasetId);
    queue
      .enqueue(COMPACT_QUEUE, job, { singletonKey: `compact-${job.datasetId}` })
      .catch((error: unknown) => this.log('could not queue a table compaction', { datasetId: job.datasetId, error: String(error) }));
  }

  /**
   * Compacts one dataset's table, unless another process is at it. `signal` stops it between and during the
   * rewrites, before anything is committed (the sweep queues the table again later).
   */
  async compact(where: DatasetLocation, signal?: AbortSignal): Promise<CompactionOutcome> {
    let leased: boolean;
    try {
      leased = await takeCompactionLease(this.db, where.datasetId, this.holder, LEASE_MS);
    } catch (error) {
      // The dataset was deleted since its job was queued: nothing left to compact.
      if ((error as { code?: string }).code === '23503') return { status: 'nothing' };
      throw error;
    }
    if (!leased) return { status: 'busy' };
    try {
      return await this.compactHeld(where, signal);
    } finally {
      await releaseCompactionLease(this.db, where.datasetId, this.holder).catch(() => undefined);
    }
  }

  private async compactHeld(where: DatasetLocation, signal: AbortSignal | undefined): Promise<CompactionOutcome> {
    const row = await readTable(this.db, where.datasetId);
    if (!row) return { status: 'nothing' };
    const table = this.lake.table(where);
    const candidates = await this.smallCandidates(table, where.datasetId, await liveFiles(table, row.metadata), row.metadata['default-spec-id']);
    if (candidates.length < Math.max(2, this.settings.minFiles)) return { status: 'nothing' };
    const runs = planRewrites(candidates, this.settings.targetBytes);
    if (runs.length === 0) return { status: 'nothing' };

    const codec = CODECS[row.metadata.properties['write.parquet.compression-codec'] ?? 'snappy'] ?? 'snappy';
    const staging = await this.lake.stageTableFiles(where);
    let published: string[] = [];
    let committed = false;
    try {
      const written = await this.rewrite(where, staging, runs, codec, signal);
      signal?.throwIfAborted();
      const files = await staging.commit();
      published = files.map((f) => f.name);
      const size = new Map(files.map((f) => [f.name.slice(f.name.lastIndexOf('/') + 1), f.size]));
      const compacted = written.map(({ name, recordCount, run }) => ({
        // A run never mixes partitions (partitionGroupKey): its file takes the partition its inputs share.
        dataFile: { filePath: table.compactedFileUri(name), recordCount, fileSizeInBytes: size.get(name)!, ...partitionOf(run) },
        sources: run.flatMap((c) => c.sources),
      }));
      const removed = runs.flat().map((c) => c.file.dataFile.filePath);
      const snapshotId = await this.db.transaction(async (tx) => {
        const id = await commitDatasetChange(tx, table, where.datasetId, {
          operation: 'replace',
          add: compacted.map((c) => c.dataFile),
          remove: removed,
          strict: true,
          properties: { [SNAPSHOT_COMPACTED_BATCHES]: String(new Set(compacted.flatMap((c) => c.sources.map((s) => s.batchId))).size) },
        });
        await deleteCompactedFiles(tx, where.datasetId, removed);
        await insertCompactedFiles(
          tx,
          where.datasetId,
          compacted.map<CompactedFile>((c) => ({
            fileUri: c.dataFile.filePath,
            batchIds: [...new Set(c.sources.map((s) => s.batchId))],
            sources: c.sources,
          })),
        );
        return id;
      });
      committed = snapshotId !== null;
      if (snapshotId === null) throw new Error('the compaction changed nothing');
      this.log('table compacted', { datasetId: where.datasetId, removedFiles: removed.length, addedFiles: compacted.length, snapshotId });
      return { status: 'compacted', snapshotId, removedFiles: removed.length, addedFiles: compacted.length };
    } catch (error) {
      await staging.discard().catch(() => undefined);
      // No snapshot lists these files: they go now rather than wait for orphan removal.
      if (published.length && !committed) await this.lake.removeTableFiles(where, published).catch(() => undefined);
      if (signal?.aborted && !committed) {
        this.log('table compaction stopped', { datasetId: where.datasetId });
        return { status: 'stopped' };
      }
      // A REVERT that removed a batch's files while they were being read fails the rewrite itself: a race too.
      const moved = error instanceof TableMovedOn || (await readTable(this.db, where.datasetId))?.metadataLocation !== row.metadataLocation;
      if (moved) {
        this.log('table compaction lost a race; it is tried again later', { datasetId: where.datasetId, error: String(error) });
        return { status: 'raced' };
      }
      throw error;
    }
  }

  /**
   * The small live files that may be rewritten: a batch's own file while the batch is `success`, or a compacted file
   * whose originals are all of `success` batches. Anything else (a file of a batch in any other state, a file this
   * store knows nothing of) is never touched.
   */
  private async smallCandidates(table: LakeTable, datasetId: string, live: LiveFile[], specId: number): Promise<Candidate[]> {
    // Only files of the table's spec: the files a compaction adds are written under it.
    const small = live.filter((f) => f.dataFile.fileSizeInBytes < this.smallBytes && f.specId === specId);
    const compacted = new Map(
      (
        await selectCompactedFiles(
          this.db,
          datasetId,
          small.map((f) => f.dataFile.filePath),
        )
      ).map((f) => [f.fileUri, f]),
    );
    const found: Candidate[] = [];
    for (const file of small) {
      const batch = table.batchFileOf(file.dataFile.filePath);
      const sources = batch ? [{ batchId: batch.batchId, ...file.dataFile }] : compacted.get(file.dataFile.filePath)?.sources;
      if (sources) found.push({ file, sources });
    }
    const ids = [...new Set(found.flatMap((c) => c.sources.map((s) => s.batchId)))];
    const landed = new Set(
      ids.length
        ? (await this.db.query<{ id: string }>(`select id from batches where id = any($1::text[]) and status = 'success'`, [ids])).map((r) => r.id)
        : [],
    );
    return found.filter((c) => c.sources.every((s) => landed.has(s.batchId)));
  }

  /**
   * Writes one Parquet file per run into the staging area with DuckDB: the run's files read by column name (files of
   * an older schema lack the newer columns, which read as NULL), in their order, with the table's codec. Each written
   * file's record count comes from its footer and must be the run's, else nothing is committed.
   */
  private async rewrite(
    where: DatasetLocation,
    staging: TableStaging,
    runs: Candidate[][],
    codec: string,
    signal: AbortSignal | undefined,
  ): Promise<Array<{ name: string; recordCount: number; run: Candidate[] }>> {
    const table = this.lake.table(where);
    const engine = await openEngine({ memoryLimit: this.settings.memoryLimit ?? '512MB', threads: 1, tempDirectory: join(staging.dir, '.spill') });
    // A rewrite under way is interrupted, not waited for.
    const interrupt = () => engine.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const written: Array<{ name: string; recordCount: number; run: Candidate[] }> = [];
      for (const run of runs) {
        signal?.throwIfAborted();
        const refs = run.map((c) => {
          const path = table.relativePathOf(c.file.dataFile.filePath);
          if (path === null) throw new Error(`a file to compact lies outside its table: ${c.file.dataFile.filePath}`);
          return { path, size: c.file.dataFile.fileSizeInBytes };
        });
        // One run's inputs at a time: an S3 lake's read cache holds no more than one compacted file's worth for it.
        const local = await this.lake.tableFiles(where, refs);
        const name = `${randomUUID()}.parquet`;
        const temporary = join(staging.dir, `.${name}`);
        try {
          await engine.connection.run(
            `COPY (SELECT * FROM read_parquet([${local.paths.map(sqlString).join(', ')}], union_by_name = true)) TO ${sqlString(temporary)} (FORMAT parquet, COMPRESSION ${sqlString(codec)})`,
          );
        } finally {
          local.release();
        }
        const recordCount = await parquetRowCount(temporary);
        const expected = run.reduce((n, c) => n + c.file.dataFile.recordCount, 0);
        if (recordCount !== expected) throw new Error(`a compacted file holds ${recordCount} records where its inputs hold ${expected}`);
        await rename(temporary, join(staging.dir, name));
        written.push({ name, recordCount, run });
      }
      return written;
    } finally {
      signal?.removeEventListener('abort', interrupt);
      engine.close();
      // Only the finished files are published.
      for (const entry of await readdir(staging.dir).catch(() => [] as string[]))
        if (entry.startsWith('.')) await rm(join(staging.dir, entry), { recursive: true, force: true });
    }
  }
}
