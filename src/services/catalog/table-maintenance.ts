import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { Lake } from '../../lake/lake.js';
import type { DatasetLocation, LakeTable } from '../../lake/table-format.js';
import { writeVersion, type TableFiles } from '../../lake/iceberg/commit.js';
import { expireSnapshots, reachedFiles, unreached, type ReachedFiles } from '../../lake/iceberg/expire.js';
import { nextMetadataLog } from '../../lake/iceberg/table-metadata.js';
import { isMissingFile } from '../lake-errors.js';
import { IN_FLIGHT } from './batches.repo.js';
import { updateDatasetTable } from './dataset-tables.js';
import { readTable, type IcebergTableRow } from './iceberg-tables.repo.js';

/** The queue of table upkeep: one job per interval, which looks after every table that is due. */
export const TABLE_EXPIRE_QUEUE = 'tributary.table-expire';
export type TableMaintenanceJobs = { [TABLE_EXPIRE_QUEUE]: Record<string, never> };

export interface TableMaintenanceSettings {
  /** Default snapshot age limit, for tables whose `history.expire.max-snapshot-age-ms` is unset. */
  snapshotRetentionMs: number;
  /** Files referenced by nothing are removed once older than this (a commit in progress writes younger ones). */
  orphanMinAgeMs: number;
  /** Each table is looked after at most once per interval; 0 schedules nothing. */
  intervalMs: number;
}

/** What one table's upkeep did. */
export interface MaintenanceOutcome {
  expiredSnapshots: number;
  /** Files deleted because only expired snapshots reached them (also those an interrupted run left). */
  deletedFiles: number;
  orphansDeleted: number;
}

/** Iceberg's default for `history.expire.min-snapshots-to-keep`. */
const MIN_SNAPSHOTS_TO_KEEP = 1;

/** Deleted in this order, so that what is still listed is always the way to what is still there. */
const KINDS = ['data', 'manifest', 'manifest-list'] as const;
type GarbageKind = (typeof KINDS)[number];

/** Batch states whose files stay whatever the table says: served by Data Access, or being written. */
const KEEPS_FILES: readonly string[] = ['success', ...IN_FLIGHT];

/**
 * Upkeep of the datasets' Iceberg tables, as Iceberg's maintenance actions do it: expired snapshots leave the
 * metadata (under the table's row lock, as every change does), then the files only they reached are deleted, and
 * files under the table's root that nothing references are removed once old enough. A file of a batch that is
 * `success` or still being written is never deleted here, whatever the snapshots say.
 */
export class TableMaintenance {
  constructor(
    private readonly db: Db,
    private readonly lake: Lake,
    readonly settings: TableMaintenanceSettings,
    private readonly onError: (datasetId: string, error: unknown) => void = () => undefined,
  ) {}

  /** Scheduler upkeep, in every process: at most one job per interval is enqueued, whoever asks. */
  async schedule(queue: Pick<JobQueue<TableMaintenanceJobs>, 'enqueue'>): Promise<void> {
    if (this.settings.intervalMs <= 0) return;
    await queue.enqueue(TABLE_EXPIRE_QUEUE, {}, { singletonKey: 'tables', throttleSeconds: this.settings.intervalMs / 1000, retryLimit: 0 });
  }

  /**
   * The job: every table not looked after within the interval, each claimed before its upkeep, so workers running
   * at once share the tables and never work on the same one. A table whose upkeep fails is tried again next interval.
   * Returns how many tables it looked after.
   */
  async runDue(nowMs = Date.now()): Promise<number> {
    const intervalMs = Math.max(1, this.settings.intervalMs);
    const due = await this.db.query<{ dataset_id: string }>(
      `select t.dataset_id from iceberg_tables t left join iceberg_table_upkeep u on u.dataset_id = t.dataset_id
       where u.maintained_at is null or u.maintained_at <= now() - make_interval(secs => $1::float8 / 1000)
       order by u.maintained_at nulls first, t.dataset_id`,
      [intervalMs],
    );
    let done = 0;
    for (const { dataset_id: datasetId } of due) {
      if (!(await this.claim(datasetId, intervalMs))) continue;
      try {
        await this.maintain(datasetId, nowMs);
        done += 1;
      } catch (error) {
        this.onError(datasetId, error);
      }
    }
    return done;
  }

  /** Takes a table for upkeep unless another worker took it within the interval (or it was dropped meanwhile). */
  private async claim(datasetId: string, intervalMs: number): Promise<boolean> {
    try {
      const rows = await this.db.query(
        `insert into iceberg_table_upkeep (dataset_id, maintained_at) values ($1, now())
         on conflict (dataset_id) do update set maintained_at = now()
           where iceberg_table_upkeep.maintained_at <= now() - make_interval(secs => $2::float8 / 1000)
         returning dataset_id`,
        [datasetId, intervalMs],
      );
      return rows.length === 1;
    } catch (error) {
      // The table's dataset was deleted since the due list was read.
      if ((error as { code?: string }).code === '23503') return false;
      throw error;
    }
  }

  /**
   * One table's upkeep: what an earlier run left to delete, then expiry, then orphan removal. `nowMs` is the time
   * snapshots' ages are judged at; files' ages are always judged against the clock, since the lake stamps them.
   */
  async maintain(datasetId: string, nowMs = Date.now()): Promise<MaintenanceOutcome> {
    const where = await this.locationOf(datasetId);
    if (!where) return { expiredSnapshots: 0, deletedFiles: 0, orphansDeleted: 0 };
    const table = this.lake.table(where);
    const leftOver = await this.collect(datasetId, where, table);
    const expired = await this.expire(datasetId, table, nowMs);
    const deletedFiles = leftOver + (expired ? await this.collect(datasetId, where, table) : 0);
    const orphansDeleted = await this.removeOrphans(datasetId, where, table);
    return { expiredSnapshots: expired, deletedFiles, orphansDeleted };
  }

  /**
   * Expires the table's snapshots past retention: the new metadata becomes current under the row lock, and the
   * files only the expired snapshots reached are recorded, in that same transaction, for `collect` to delete.
   */
  async expire(datasetId: string, table: LakeTable, nowMs = Date.now()): Promise<number> {
    const defaults = { maxSnapshotAgeMs: this.settings.snapshotRetentionMs, minSnapshotsToKeep: MIN_SNAPSHOTS_TO_KEEP };
    const reading = remembering(table.files);
    const plan = async (row: IcebergTableRow) => {
      const expiry = expireSnapshots(row.metadata, nowMs, defaults);
      if (!expiry) return null;
      const kept = await reachedFiles(reading, expiry.metadata.snapshots);
      return { expiry, gone: unreached(await reachedFiles(reading, expiry.expired, { isMissing: isMissingFile }), kept) };
    };
    // First without the lock: most runs find nothing to expire, and what this pass reads is not read again while
    // the lock holds commits back (table files never change, so only what a commit added meanwhile is new).
    const peek = await readTable(this.db, datasetId);
    if (!peek || !(await plan(peek))) return 0;
    return this.db.transaction(async (tx) => {
      let garbage: Array<{ uri: string; kind: GarbageKind }> = [];
      let expired = 0;
      const committed = await updateDatasetTable(tx, table, datasetId, async (row) => {
        const planned = row ? await plan(row) : null;
        if (!row || !planned) return null;
        const { expiry, gone } = planned;
        garbage = [
          ...gone.data.map((uri) => ({ uri, kind: 'data' as const })),
          ...gone.manifests.map((uri) => ({ uri, kind: 'manifest' as const })),
          ...gone.manifestLists.map((uri) => ({ uri, kind: 'manifest-list' as const })),
        ];
        expired = expiry.expired.length;
        const next = { ...expiry.metadata, 'metadata-log': nextMetadataLog(row.metadata, row.metadataLocation) };
        return writeVersion(table.files, next, row.metadataLocation);
      });
      if (committed && garbage.length)
        await tx.query(
          `insert into iceberg_table_garbage (dataset_id, uri, kind)
           select $1, g.uri, g.kind from unnest($2::text[], $3::text[]) as g(uri, kind) on conflict do nothing`,
          [datasetId, garbage.map((g) => g.uri), garbage.map((g) => g.kind)],
        );
      return committed ? expired : 0;
    });
  }

  /**
   * Deletes the files an expiry recorded, checked again against the current table and the batches: one a kept
   * snapshot still holds, or of a batch still `success` or in flight, stays (its row goes). A file already gone is
   * fine, so a run that died midway is finished by the next. Returns how many files it deleted.
   */
  async collect(datasetId: string, where: DatasetLocation, table: LakeTable): Promise<number> {
    const rows = await this.db.query<{ uri: string; kind: GarbageKind }>('select uri, kind from iceberg_table_garbage where dataset_id = $1', [
      datasetId,
    ]);
    if (rows.length === 0) return 0;
    const current = await readTable(this.db, datasetId);
    if (!current) return 0;
    const kept = await reachedFiles(table.files, current.metadata.snapshots);
    const statuses = await this.batchStatuses(datasetId);
    const emptied = new Set<string>();
    let deleted = 0;
    for (const kind of KINDS) {
      const uris = rows.filter((r) => r.kind === kind).map((r) => r.uri);
      for (const uri of uris) {
        if (!this.stillNeeded(uri, kind, kept, statuses, table)) {
          await table.files.delete(uri);
          deleted += 1;
          const batchId = kind === 'data' ? table.batchFileOf(uri)?.batchId : undefined;
          if (batchId && statuses.has(batchId)) emptied.add(batchId);
        }
      }
      if (uris.length) await this.db.query('delete from iceberg_table_garbage where dataset_id = $1 and uri = any($2::text[])', [datasetId, uris]);
    }
    await this.forgetBatches(where, table, kept, emptied);
    return deleted;
  }

  /**
   * A batch none of whose files any kept snapshot holds any more, once its files were deleted, leaves the lake
   * whole (on S3 its commit marker and cached copies too), as REVERT removed it before tables kept history.
   */
  private async forgetBatches(where: DatasetLocation, table: LakeTable, kept: ReachedFiles, batchIds: Set<string>): Promise<void> {
    for (const batchId of batchIds) {
      const prefix = table.dataFileUri(batchId, '');
      if (![...kept.liveData].some((uri) => uri.startsWith(prefix))) await this.lake.removeBatch({ ...where, batchId });
    }
  }

  /**
   * Removes the files under the table's root that nothing references — not the current metadata or its log, no
   * kept snapshot, no batch that is `success` or in flight — once they are older than the orphan age (younger ones
   * may be a commit's in progress). The listing comes first, so whatever commits after it is fresh and stays.
   */
  async removeOrphans(datasetId: string, where: DatasetLocation, table: LakeTable, nowMs = Date.now()): Promise<number> {
    const stored = await table.files.list();
    const statuses = await this.batchStatuses(datasetId);
    const current = await readTable(this.db, datasetId);
    if (!current) return 0;
    const kept = await reachedFiles(table.files, current.metadata.snapshots);
    const referenced = new Set<string>([
      current.metadataLocation,
      ...current.metadata['metadata-log'].map((e) => e['metadata-file']),
      ...kept.manifestLists,
      ...kept.manifests,
      ...kept.liveData,
    ]);
    let deleted = 0;
    const emptied = new Set<string>();
    for (const file of stored) {
      if (referenced.has(file.uri) || nowMs - file.modifiedMs < this.settings.orphanMinAgeMs) continue;
      const batchId = table.batchFileOf(file.uri)?.batchId;
      if (batchId && KEEPS_FILES.includes(statuses.get(batchId) ?? '')) continue;
      await table.files.delete(file.uri);
      deleted += 1;
      if (batchId && statuses.has(batchId)) emptied.add(batchId);
    }
    await this.forgetBatches(where, table, kept, emptied);
    return deleted;
  }

  private stillNeeded(uri: string, kind: GarbageKind, kept: ReachedFiles, statuses: Map<string, string>, table: LakeTable): boolean {
    if (kind === 'manifest') return kept.manifests.has(uri);
    if (kind === 'manifest-list') return kept.manifestLists.has(uri);
    if (kept.liveData.has(uri)) return true;
    const batchId = table.batchFileOf(uri)?.batchId;
    return batchId !== undefined && KEEPS_FILES.includes(statuses.get(batchId) ?? '');
  }

  private async batchStatuses(datasetId: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ id: string; status: string }>('select id, status from batches where dataset_id = $1', [datasetId]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  private async locationOf(datasetId: string): Promise<DatasetLocation | null> {
    const row = (
      await this.db.query<{ org_id: string; sandbox_id: string }>('select org_id, sandbox_id from datasets where id = $1', [datasetId])
    )[0];
    return row ? { orgId: row.org_id, sandboxId: row.sandbox_id, datasetId } : null;
  }
}

/** Reads of one expiry, kept: table files are immutable, so a file read once need not be read again. */
function remembering(files: TableFiles): TableFiles {
  const seen = new Map<string, Buffer>();
  return {
    ...files,
    async read(uri) {
      const known = seen.get(uri);
      if (known) return known;
      const bytes = await files.read(uri);
      seen.set(uri, bytes);
      return bytes;
    },
  };
}
