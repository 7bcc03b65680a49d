import type { Readable } from 'node:stream';
import type { Db, Queryable } from '../../store/db.js';
import { join, sep } from 'node:path';
import type { BatchLocation, BatchStaging, Lake, LakeFile, LocalFiles, TableFileRef } from '../../lake/lake.js';
import { liveDataFiles } from '../../lake/iceberg/commit.js';
import type { DataFile } from '../../lake/iceberg/manifests.js';
import { parquetRowCount } from '../../lake/parquet-footer.js';
import { walk } from '../../lake/walk.js';
import type { RowError } from '../../pipeline/contracts.js';
import { judgePartialIngestion, PARTIAL_INGESTION_EXCEEDED } from '../../pipeline/partial-ingestion.js';
import { ServiceError, conflict, invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { BATCH_ID, newBatchId, newDatasetId } from './ids.js';
import { isBadRegex } from './list-query.js';
import { freeTableName, readDatasetInput, readDatasetPatch, requestedTableName, tableName } from './dataset-input.js';
import * as datasets from './datasets.repo.js';
import * as batches from './batches.repo.js';
import * as tagsRepo from './tags.repo.js';
import { readTable } from './iceberg-tables.repo.js';
import { commitDatasetChange, partitionFieldsFor } from './dataset-tables.js';
import { undoCompactionOf } from './compaction.js';
import { isTimeSeries } from '../../pipeline/schema/time-series.js';
import { currentSchema } from '../../lake/iceberg/table-metadata.js';
import { TIMESTAMP_COLUMN, type PartitionField } from '../../lake/iceberg/partitioning.js';
import { splitByDay } from '../../pipeline/write/day-partitions.js';
import type { DatasetPatch } from './dataset-input.js';
import type { BatchError, BatchOutcome, BatchRecord, BeginBatchInput, DataSetFile, DatasetRecord, ImportBatchInput, LastBatches } from './types.js';

export interface CatalogOptions {
  /** Checks a dataset's `schemaRef.id` against the Schema Registry; when absent, any id is accepted. */
  schemaExists?: (scope: Scope, schemaId: string) => Promise<boolean>;
  /** Row errors kept per batch (the counts stay exact past it). Default 10,000. */
  maxRowErrors?: number;
  /**
   * A dataset's resolved XDM schema (what its batches are written against): each dataset's Iceberg table is made
   * from it on the first batch and evolves with it. When absent, batches land without Iceberg snapshots.
   */
  tableSchema?: (scope: Scope, schemaId: string) => Promise<Record<string, unknown>>;
}

/** Summary properties of the snapshots Catalog writes: which batch each one is. */
export const SNAPSHOT_BATCH = 'tributary.batch-id';
export const SNAPSHOT_REPLACED_BATCHES = 'tributary.replaced-batch-ids';
export const SNAPSHOT_REVERTED_BATCH = 'tributary.reverted-batch-id';

const DEFAULT_MAX_ROW_ERRORS = 10_000;

/** One dataSetFile per batch, named after it (Data Access ids look like "<batchId>-1"). */
export const dataSetFileId = (batchId: string) => `${batchId}-1`;

export function batchIdOfDataSetFile(fileId: string): string | null {
  const match = /^(.+)-1$/.exec(fileId);
  return match && BATCH_ID.test(match[1]!) ? match[1]! : null;
}

/** Failures a batch can end with that are not row errors. */
export const BATCH_ERRORS = {
  allRowsFailed: 'TRIB-BATCH-1001',
  commitFailed: 'TRIB-BATCH-1002',
  abandoned: 'TRIB-BATCH-1003',
  /** The partial ingestion rule refused the batch (the rule and its code live in the pipeline's partial-ingestion.ts). */
  tooManyFailures: PARTIAL_INGESTION_EXCEEDED,
} as const;

/** Related objects without repeats (a caller may list the batch's dataset too). */
function uniqueObjects<T extends { type: string; id: string }>(objects: T[]): T[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = `${o.type}\u0000${o.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The batch-level summary of row errors: one entry per error code, with its count and first message. */
function summarise(rowErrors: RowError[], failedRecordCount: number): BatchError[] {
  // A row can fail on several fields at once: count the rows, not their errors.
  const byCode = new Map<string, { rows: Set<string>; first: RowError }>();
  for (const error of rowErrors) {
    const key = `${error.file}\u0000${error.row}`;
    const entry = byCode.get(error.code);
    if (entry) entry.rows.add(key);
    else byCode.set(error.code, { rows: new Set([key]), first: error });
  }
  const summary = [...byCode.entries()].map(([code, { rows, first }]) => ({
    code,
    description: `${rows.size} row(s) failed with ${code}; first: ${first.message} (${first.file}, row ${first.row})`,
  }));
  const unlisted = failedRecordCount - new Set(rowErrors.map((e) => `${e.file}\u0000${e.row}`)).size;
  if (unlisted > 0 && summary.length > 0)
    summary.push({ code: 'TRIB-ROWS-MORE', description: `${unlisted} more failed row(s) are counted but not listed` });
  return summary;
}

/**
 * Catalog: datasets and batches, and the lifecycle that lands a batch in the lake.
 * A batch's files are listed and served only once it is `success`; until then they sit in a staging area
 * no reader looks at, and a failure discards them.
 */
export class CatalogService {
  private readonly maxRowErrors: number;

  constructor(
    readonly db: Db,
    readonly lake: Lake,
    private readonly options: CatalogOptions = {},
  ) {
    this.maxRowErrors = options.maxRowErrors ?? DEFAULT_MAX_ROW_ERRORS;
  }

  // ── datasets ────────────────────────────────────────────────────────────────────────────────

  /** `POST /dataSets`: validates the body and creates the dataset; returns its id. */
  async createDataset(scope: Scope, body: unknown): Promise<string> {
    const input = readDatasetInput(body);
    if (this.options.schemaExists && !(await this.options.schemaExists(scope, input.schemaRef.id))) {
      throw invalid(`schemaRef.id "${input.schemaRef.id}" is not a schema of this sandbox`, 'CAT-1002-400');
    }
    const id = newDatasetId();
    const viewId = newDatasetId();
    const wanted = requestedTableName(input.tags['adobe/pqs/table']) ?? tableName(input.name);
    // Two creations may pick the same free name at once; the unique index lets one win, the other picks again.
    for (let attempt = 1; ; attempt++) {
      const name = freeTableName(wanted, await datasets.tableNamesLike(this.db, scope, wanted));
      input.tags = { ...input.tags, 'adobe/pqs/table': [name] };
      try {
        await datasets.insertDataset(this.db, scope, { id, viewId, tableName: name }, input);
        return id;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 5) throw error;
      }
    }
  }

  async getDataset(scope: Scope, id: string): Promise<DatasetRecord> {
    const dataset = await datasets.findDataset(this.db, scope, id);
    if (!dataset) throw notFound(`dataset "${id}" not found`, 'CAT-1001-404');
    return dataset;
  }

  listDatasets(scope: Scope, query: datasets.DatasetFilters = {}): Promise<DatasetRecord[]> {
    return this.filtering(() => datasets.selectDatasets(this.db, scope, query));
  }

  /**
   * `PATCH /dataSets/{id}`: changes the given fields (tags merge key by key; a null tag is removed). The schema
   * can change only while no batch has landed, since landed Parquet follows the old one.
   */
  async updateDataset(scope: Scope, id: string, body: unknown): Promise<void> {
    await this.applyDatasetPatch(scope, id, await this.getDataset(scope, id), readDatasetPatch(body));
  }

  /**
   * `PUT /dataSets/{id}`: the body is a whole dataset, read as `POST /dataSets` reads one (name and schemaRef
   * required; the fields Catalog manages, as a client that GETs then PUTs sends them back, are ignored). Name,
   * description and tags are replaced — a tag left out is removed, except the `adobe/pqs/table` Catalog keeps —
   * and the schema follows PATCH's rule. Fields left out of `fileDescription`, `enableErrorDiagnostics` and
   * `observableSchema` keep their values.
   */
  async replaceDataset(scope: Scope, id: string, body: unknown): Promise<void> {
    const current = await this.getDataset(scope, id);
    const input = readDatasetInput(body);
    const tags: Record<string, unknown> = Object.fromEntries(Object.keys(current.tags).map((key) => [key, null]));
    if ('adobe/pqs/table' in current.tags) delete tags['adobe/pqs/table'];
    Object.assign(tags, input.tags);
    const patch: DatasetPatch = {
      name: input.name,
      description: input.description ?? null,
      schemaRef: input.schemaRef,
      tags,
      ...(input.fileDescription !== undefined ? { fileDescription: input.fileDescription } : {}),
      ...(input.enableErrorDiagnostics !== undefined ? { enableErrorDiagnostics: input.enableErrorDiagnostics } : {}),
      ...(input.observableSchema !== undefined ? { observableSchema: input.observableSchema } : {}),
    };
    await this.applyDatasetPatch(scope, id, current, patch);
  }

  /**
   * `GET /tags/{tagNamespace}`: the values of every tag named `tagNamespace` (or below it, `tagNamespace/…`) on the
   * sandbox's datasets and batches, keyed by tag name, and under `objectType` the objects holding them, in the
   * docs' shape (`{"objectType": {"datasets": ["@/DataSet/<id>"]}, "adobe/pqs/databases": [...]}`).
   */
  async tagValues(scope: Scope, namespace: string): Promise<Record<string, unknown>> {
    const rows = await tagsRepo.selectTagged(this.db, scope, namespace);
    const values = new Map<string, Set<string>>();
    const objects: Record<string, string[]> = {};
    for (const row of rows) {
      const [collection, path] = row.kind === 'dataSet' ? ['datasets', 'DataSet'] : ['batches', 'Batch'];
      (objects[collection] ??= []).push(`@/${path}/${row.id}`);
      for (const [key, value] of Object.entries(row.tags)) {
        if (key !== namespace && !key.startsWith(`${namespace}/`)) continue;
        const set = values.get(key) ?? new Set<string>();
        for (const v of Array.isArray(value) ? value : []) if (typeof v === 'string') set.add(v);
        values.set(key, set);
      }
    }
    if (rows.length === 0) throw notFound(`no dataset or batch has a tag "${namespace}"`, 'CAT-1001-404');
    return { objectType: objects, ...Object.fromEntries([...values].map(([key, set]) => [key, [...set].sort()])) };
  }

  /** Sets a batch's tags: PATCH merges key by key (null removes a key), PUT replaces them all. */
  async setBatchTags(scope: Scope, batchId: string, tags: Record<string, unknown>, mode: 'merge' | 'replace'): Promise<void> {
    const batch = await this.getBatch(scope, batchId);
    const next: Record<string, unknown> = mode === 'merge' ? { ...batch.tags } : {};
    for (const [key, value] of Object.entries(tags)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    await tagsRepo.updateBatchTags(this.db, scope, batchId, next);
  }

  private async applyDatasetPatch(scope: Scope, id: string, current: DatasetRecord, patch: DatasetPatch): Promise<void> {
    if (patch.schemaRef && patch.schemaRef.id !== current.schemaRef.id) {
      const landed = await batches.selectBatches(this.db, scope, { dataSet: id, status: 'success', limit: 1 });
      if (landed.length > 0) throw conflict(`dataset "${id}" already holds data in its schema; its schemaRef cannot change`);
      if (this.options.schemaExists && !(await this.options.schemaExists(scope, patch.schemaRef.id))) {
        throw invalid(`schemaRef.id "${patch.schemaRef.id}" is not a schema of this sandbox`, 'CAT-1002-400');
      }
    }
    await datasets.updateDataset(this.db, scope, id, patch, current);
  }

  /** `GET /lastBatches`: per dataset, its last batch and last successful and failed ones. */
  lastBatches(scope: Scope, datasetIds?: string[]): Promise<Record<string, LastBatches>> {
    return datasets.selectLastBatches(this.db, scope, datasetIds);
  }

  /** Deletes a dataset, its batches and their files. Refused while a batch is being written into it. */
  async deleteDataset(scope: Scope, id: string): Promise<void> {
    await this.getDataset(scope, id);
    const inFlight = await batches.selectBatches(this.db, scope, { dataSet: id, status: batches.IN_FLIGHT.join(','), limit: 1 });
    if (inFlight.length > 0) throw conflict(`dataset "${id}" has batch ${inFlight[0]!.id} in progress; delete it once the batch ends`);
    await datasets.deleteDatasetRow(this.db, scope, id);
    await this.lake.removeDataset({ orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId: id });
  }

  /**
   * Local copies of a dataset's Parquet files (for SQL over the lake), held until released: the live data files
   * of its Iceberg table's current snapshot, as any engine plans a scan. A dataset without a table yet (none of
   * its batches landed since it became one) is read by its successful batches.
   */
  async datasetFiles(scope: Scope, datasetId: string): Promise<LocalFiles> {
    await this.getDataset(scope, datasetId);
    const where = { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId };
    const none: LocalFiles = { paths: [], release: () => undefined };
    const table = await readTable(this.db, datasetId);
    if (!table) {
      const ids = await batches.selectSuccessfulBatchIds(this.db, scope, datasetId);
      return ids.length === 0 ? none : this.lake.datasetFiles(where, ids);
    }
    const lakeTable = this.lake.table(where);
    const wanted: TableFileRef[] = [];
    for (const file of await liveDataFiles(lakeTable.files, table.metadata)) {
      // Batch files and compacted ones alike: the snapshot says what is read, wherever under the table it sits.
      const path = lakeTable.relativePathOf(file.filePath);
      if (!path) throw new Error(`dataset ${datasetId}'s table lists a file outside its root: ${file.filePath}`);
      wanted.push({ path, size: file.fileSizeInBytes });
    }
    return wanted.length === 0 ? none : this.lake.tableFiles(where, wanted);
  }

  // ── batches: reading ────────────────────────────────────────────────────────────────────────

  async getBatch(scope: Scope, id: string): Promise<BatchRecord> {
    const batch = await batches.findBatch(this.db, scope, id);
    if (!batch) throw notFound(`batch "${id}" not found`, 'CAT-1003-404');
    return batch;
  }

  listBatches(scope: Scope, query: batches.BatchFilters = {}): Promise<BatchRecord[]> {
    return this.filtering(() => batches.selectBatches(this.db, scope, query));
  }

  /** A batch's committed files; empty unless the batch is `success`. */
  async batchFiles(scope: Scope, batchId: string): Promise<{ batch: BatchRecord; files: LakeFile[] }> {
    const batch = await this.getBatch(scope, batchId);
    return { batch, files: batch.status === 'success' ? await batches.selectFiles(this.db, batchId) : [] };
  }

  /** One committed file of a `success` batch, with its bytes (or a byte range, inclusive end). */
  async openBatchFile(
    scope: Scope,
    batchId: string,
    name: string,
    range?: { start: number; end: number },
  ): Promise<{ file: LakeFile; stream: Readable }> {
    const { batch, files } = await this.batchFiles(scope, batchId);
    const file = files.find((f) => f.name === name);
    if (!file) throw notFound(`file "${name}" not found in batch ${batchId}`);
    return { file, stream: await this.lake.readFile(this.location(scope, batch.datasetId, batchId), name, range) };
  }

  /** A batch's kept row errors, in the order they were reported. */
  async batchRowErrors(
    scope: Scope,
    batchId: string,
    page = { start: 0, limit: this.maxRowErrors },
  ): Promise<{ total: number; rowErrors: RowError[] }> {
    await this.getBatch(scope, batchId);
    const [total, rowErrors] = await Promise.all([batches.countRowErrors(this.db, batchId), batches.selectRowErrors(this.db, batchId, page)]);
    return { total, rowErrors };
  }

  async batchInputFiles(scope: Scope, batchId: string): Promise<BatchOutcome['inputFiles']> {
    await this.getBatch(scope, batchId);
    return batches.selectInputFiles(this.db, batchId);
  }

  /** The dataSetFiles of successful batches (`GET /dataSetFiles?dataSetId=`), newest first. */
  async listDataSetFiles(
    scope: Scope,
    /** Straight from the query string: any field may be present and undefined. */
    query: { dataSetId?: string | undefined; batchId?: string | undefined; limit?: string | number | undefined; start?: string | number | undefined },
  ): Promise<DataSetFile[]> {
    const found = await this.listBatches(scope, {
      status: 'success',
      ...(query.dataSetId ? { dataSet: query.dataSetId } : {}),
      ...(query.batchId ? { batch: query.batchId } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.start !== undefined ? { start: query.start } : {}),
    });
    return found.map((batch) => this.toDataSetFile(batch));
  }

  async getDataSetFile(scope: Scope, fileId: string): Promise<DataSetFile> {
    const batchId = batchIdOfDataSetFile(fileId);
    const batch = batchId ? await batches.findBatch(this.db, scope, batchId) : null;
    if (!batch || batch.status !== 'success') throw notFound(`dataSetFile "${fileId}" not found`);
    return this.toDataSetFile(batch);
  }

  private toDataSetFile(batch: BatchRecord): DataSetFile {
    return {
      dataSetFileId: dataSetFileId(batch.id),
      dataSetId: batch.datasetId,
      batchId: batch.id,
      created: batch.completed ?? batch.updated,
      updated: batch.updated,
      records: batch.recordCount ?? 0,
      size: batch.size ?? 0,
      isValid: true,
    };
  }

  // ── batches: lifecycle ──────────────────────────────────────────────────────────────────────

  /**
   * Opens a batch on a dataset: the row starts `loading` (as AEP's batches do), a staging area is made in
   * the lake, and the batch is `processing` while the caller writes Parquet files into `staging.dir`.
   */
  async beginBatch(scope: Scope, input: BeginBatchInput): Promise<{ batchId: string; staging: BatchStaging }> {
    await this.getDataset(scope, input.datasetId);
    const batchId = newBatchId();
    await batches.insertBatch(this.db, scope, {
      id: batchId,
      datasetId: input.datasetId,
      ...(input.inputFormat !== undefined ? { inputFormat: input.inputFormat } : {}),
      tags: input.tags ?? {},
      relatedObjects: uniqueObjects([{ type: 'dataSet', id: input.datasetId }, ...(input.relatedObjects ?? [])]),
    });
    let staging: BatchStaging;
    try {
      staging = await this.lake.stage(this.location(scope, input.datasetId, batchId));
    } catch (error) {
      await this.failBatch(scope, batchId, null, [
        { code: BATCH_ERRORS.commitFailed, description: `could not open the batch's staging area: ${(error as Error).message}` },
      ]);
      throw error;
    }
    await batches.setProcessing(this.db, batchId);
    return { batchId, staging };
  }

  /**
   * Ends a batch with what the pipeline produced. The staged files are committed to the lake first, then one
   * transaction records them and marks the batch `success`. A batch where every row failed, or whose commit
   * fails, ends `failed` with nothing landed.
   */
  async finishBatch(
    scope: Scope,
    batchId: string,
    staging: BatchStaging,
    outcome: BatchOutcome,
    /**
     * Runs inside the transaction that marks the batch `success`, so what the caller records about the
     * batch (a flow's file manifest) commits with it or not at all.
     */
    onSuccess?: (tx: Queryable) => Promise<void>,
  ): Promise<{ status: 'success' | 'failed'; files: LakeFile[]; errors: BatchError[] }> {
    const batch = await this.getBatch(scope, batchId);
    if (!batches.IN_FLIGHT.includes(batch.status)) {
      await staging.discard();
      throw conflict(`batch ${batchId} is ${batch.status}; only a batch in progress can be finished`);
    }
    const errors = [...(outcome.errors ?? []), ...summarise(outcome.rowErrors, outcome.failedRecordCount)];
    if (outcome.recordCount === 0 && outcome.failedRecordCount > 0) {
      const allFailed = { code: BATCH_ERRORS.allRowsFailed, description: `all ${outcome.failedRecordCount} record(s) failed; nothing was ingested` };
      await this.failBatch(scope, batchId, staging, [allFailed, ...errors], outcome.rowErrors, outcome);
      return { status: 'failed', files: [], errors: [allFailed, ...errors] };
    }
    const verdict = judgePartialIngestion({
      thresholdPercent: outcome.partialIngestionPercent,
      outputRecords: outcome.recordCount,
      failedRecords: outcome.failedRecordCount,
      failedFiles: outcome.failedFiles ?? [],
      fileCount: outcome.inputFiles.length,
    });
    if (verdict.refusal) {
      const refused = [verdict.refusal, ...errors];
      await this.failBatch(scope, batchId, staging, refused, outcome.rowErrors, {
        recordCount: 0,
        failedRecordCount: verdict.failedRecordCount,
        inputFiles: outcome.inputFiles,
      });
      return { status: 'failed', files: [], errors: refused };
    }

    let files: LakeFile[];
    let rowCounts: Map<string, number>;
    let days: Map<string, number | null> | null = null;
    let dayField: PartitionField | null = null;
    let schema: Record<string, unknown> | null;
    let existing: DataFile[];
    try {
      schema = await this.tableSchemaOf(scope, batch.datasetId);
      existing = schema ? await this.filesBeforeTable(scope, batch.datasetId, batchId) : [];
      // A day-partitioned table takes files of one day each: the staged files are split by day where they are not.
      const partitioning = schema ? await this.dayPartitioning(batch.datasetId, schema, existing.length > 0) : null;
      if (partitioning) {
        dayField = partitioning.field;
        days = await splitByDay(staging.dir, partitioning.column);
      }
      // Each data file's record count, for its manifest entry: read from the Parquet footers while they are local.
      rowCounts = await this.stagedRowCounts(staging);
      files = await staging.commit();
    } catch (error) {
      const description = `could not commit the batch to the lake: ${(error as Error).message}`;
      await this.failBatch(scope, batchId, staging, [{ code: BATCH_ERRORS.commitFailed, description }, ...errors], outcome.rowErrors, outcome);
      return { status: 'failed', files: [], errors: [{ code: BATCH_ERRORS.commitFailed, description }, ...errors] };
    }

    const size = files.reduce((sum, f) => sum + f.size, 0);
    const where = { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId: batch.datasetId };
    const predecessors = batch.replay?.predecessors ?? [];
    let predecessorsInHistory = false;
    try {
      // The predecessors' files are then in the table's history: they stay for time travel until expiry deletes them.
      predecessorsInHistory = predecessors.length > 0 && schema !== null && (await readTable(this.db, batch.datasetId)) !== null;
      await this.db.transaction(async (tx) => {
        const done = await batches.finalise(tx, batchId, {
          status: 'success',
          recordCount: outcome.recordCount,
          failedRecordCount: verdict.failedRecordCount,
          size,
          errors,
          metrics: this.metrics(outcome, files),
        });
        if (!done) throw conflict(`batch ${batchId} stopped being in progress while it was committed`);
        await batches.insertFiles(tx, batchId, files);
        await this.recordDetails(tx, batchId, outcome);
        await datasets.noteBatchOutcome(tx, batch.datasetId, batchId, 'success');
        // A replay replaces its predecessors in the same step that lands it: readers never see both, nor neither.
        for (const predecessor of predecessors) await batches.transition(tx, predecessor, ['success'], 'inactive');
        if (schema) {
          // The batch becomes the table's next snapshot in this same transaction: an append, or for a replay one
          // overwrite that adds its files and removes its predecessors'.
          const table = this.lake.table(where);
          const add: DataFile[] = files
            .filter((f) => rowCounts.has(f.name))
            .map((f) => ({
              filePath: table.dataFileUri(batchId, f.name),
              recordCount: rowCounts.get(f.name)!,
              fileSizeInBytes: f.size,
              ...(dayField && days ? { partition: { [dayField.name]: days.get(f.name) ?? null } } : {}),
            }));
          const remove: string[] = [];
          for (const predecessor of predecessors)
            for (const file of await batches.selectFiles(tx, predecessor)) remove.push(table.dataFileUri(predecessor, file.name));
          // Predecessors a compaction rewrote leave with their compacted files; the other batches' originals come back.
          const uncompacted = predecessors.length ? await undoCompactionOf(tx, batch.datasetId, predecessors) : { remove: [], add: [] };
          remove.push(...uncompacted.remove);
          const snapshotId = await commitDatasetChange(tx, table, batch.datasetId, {
            operation: predecessors.length ? 'overwrite' : 'append',
            add: [...add, ...uncompacted.add],
            remove,
            properties: { [SNAPSHOT_BATCH]: batchId, ...(predecessors.length ? { [SNAPSHOT_REPLACED_BATCHES]: predecessors.join(',') } : {}) },
            schema,
            existing: existing.filter((f) => !remove.includes(f.filePath)),
            partitionFields: dayField ? [dayField] : [],
          });
          if (snapshotId !== null) await batches.setSnapshot(tx, batchId, snapshotId);
        }
        await onSuccess?.(tx);
      });
    } catch (error) {
      // The files are in the lake but the Catalog does not list them: take them back out so nothing half-done remains.
      await this.lake.removeBatch(this.location(scope, batch.datasetId, batchId)).catch(() => undefined);
      if (!(error instanceof ServiceError)) {
        await this.failBatch(scope, batchId, null, [{ code: BATCH_ERRORS.commitFailed, description: 'could not record the batch' }]).catch(
          () => undefined,
        );
      }
      throw error;
    }
    for (const predecessor of predecessorsInHistory ? [] : predecessors) {
      await this.lake.removeBatch(this.location(scope, batch.datasetId, predecessor)).catch(() => undefined);
    }
    return { status: 'success', files, errors };
  }

  // ── batches: imports (Batch Ingestion API) ─────────────────────────────────────────────────

  /**
   * Opens an import batch: it stays `loading` while its client uploads files, and start-up recovery leaves it
   * alone. Predecessors of a replay must be successful batches of the same dataset.
   */
  async createImportBatch(scope: Scope, input: ImportBatchInput): Promise<BatchRecord> {
    await this.getDataset(scope, input.datasetId);
    for (const predecessor of input.replay?.predecessors ?? []) {
      const found = await batches.findBatch(this.db, scope, predecessor);
      if (!found || found.datasetId !== input.datasetId)
        throw invalid(`replay: predecessor batch "${predecessor}" is not a batch of dataset ${input.datasetId}`);
      if (found.status !== 'success')
        throw invalid(`replay: predecessor batch "${predecessor}" is ${found.status}; only a successful batch can be replayed`);
    }
    const id = newBatchId();
    await batches.insertBatch(this.db, scope, {
      id,
      datasetId: input.datasetId,
      inputFormat: input.inputFormat,
      tags: input.tags ?? {},
      relatedObjects: [{ type: 'dataSet', id: input.datasetId }],
      origin: 'import',
      ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
      ...(input.replay ? { replay: input.replay } : {}),
    });
    return this.getBatch(scope, id);
  }

  /** An import batch of the scope, whatever its state (refuses batches written by flow runs). */
  async getImportBatch(scope: Scope, batchId: string): Promise<BatchRecord> {
    const batch = await this.getBatch(scope, batchId);
    if ((await batches.batchOrigin(this.db, batchId)) !== 'import') throw invalid(`batch ${batchId} was not opened through the Batch Ingestion API`);
    return batch;
  }

  /**
   * COMPLETE: moves a `loading` import batch to `processing` (once: a second COMPLETE finds it no longer loading)
   * and opens its staging area; the caller then ingests its uploads and calls finishBatch or failBatch.
   */
  async startImportBatch(scope: Scope, batchId: string): Promise<{ batch: BatchRecord; staging: BatchStaging }> {
    const batch = await this.getImportBatch(scope, batchId);
    if (!(await batches.transition(this.db, batchId, ['loading'], 'processing', { started: true }))) {
      throw conflict(`batch ${batchId} is ${(await this.getBatch(scope, batchId)).status}; only a loading batch can be completed`);
    }
    try {
      return { batch, staging: await this.lake.stage(this.location(scope, batch.datasetId, batchId)) };
    } catch (error) {
      await this.failBatch(scope, batchId, null, [
        { code: BATCH_ERRORS.commitFailed, description: `could not open the batch's staging area: ${(error as Error).message}` },
      ]);
      throw error;
    }
  }

  /**
   * COMPLETE, answered at once: moves a `loading` import batch to `processing` and, in the same transaction,
   * runs `then` (which enqueues the job that processes it), so a batch is never `processing` without its job.
   */
  async queueImportBatch(scope: Scope, batchId: string, then: (tx: Queryable) => Promise<void>): Promise<BatchRecord> {
    await this.getImportBatch(scope, batchId);
    const done = await this.db.transaction(async (tx) => {
      if (!(await batches.transition(tx, batchId, ['loading'], 'processing', { started: true }))) return false;
      await then(tx);
      return true;
    });
    if (!done) throw conflict(`batch ${batchId} is ${(await this.getBatch(scope, batchId)).status}; only a loading batch can be completed`);
    return this.getBatch(scope, batchId);
  }

  /** ABORT (→ `aborted`) or FAIL (→ `failed`) of an import batch still `loading`: its uploads are dropped. */
  async endImportBatch(scope: Scope, batchId: string, to: 'aborted' | 'failed', errors: BatchError[] = []): Promise<BatchRecord> {
    const batch = await this.getImportBatch(scope, batchId);
    const done = await this.db.transaction(async (tx) => {
      if (!(await batches.transition(tx, batchId, ['loading'], to, { completed: true, errors }))) return false;
      if (to === 'failed') await datasets.noteBatchOutcome(tx, batch.datasetId, batchId, 'failed');
      return true;
    });
    if (!done)
      throw conflict(
        `batch ${batchId} is ${(await this.getBatch(scope, batchId)).status}; only a loading batch can be ${to === 'aborted' ? 'aborted' : 'failed'}`,
      );
    await this.lake.abandonStaging(batchId);
    return this.getBatch(scope, batchId);
  }

  /**
   * REVERT: a landed (or failed) batch becomes `inactive` and its files leave the lake — at once, or, when the
   * dataset's table keeps it in its history, once that history expires. Readers stop seeing it the moment its
   * state changes, so the removal of the files that follows is never half-visible.
   */
  async revertBatch(scope: Scope, batchId: string): Promise<BatchRecord> {
    const batch = await this.getBatch(scope, batchId);
    const table = this.lake.table({ orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId: batch.datasetId });
    // Whether an earlier snapshot of the dataset's table lists the batch's files: then they stay for time travel,
    // until snapshot expiry (TableMaintenance) deletes them with the last snapshot that lists them.
    let inHistory = false;
    const reverted = await this.db.transaction(async (tx) => {
      if (await batches.transition(tx, batchId, ['success'], 'inactive')) {
        // A landed batch leaves the dataset's table in the same step: a delete snapshot without its files.
        const files = await batches.selectFiles(tx, batchId);
        // Compacted files holding the batch go too, and the other batches' originals they held come back (compaction.ts).
        const uncompacted = await undoCompactionOf(tx, batch.datasetId, [batchId]);
        inHistory = await commitDatasetChange(tx, table, batch.datasetId, {
          operation: uncompacted.add.length ? 'overwrite' : 'delete',
          add: uncompacted.add,
          remove: [...files.map((f) => table.dataFileUri(batchId, f.name)), ...uncompacted.remove],
          properties: { [SNAPSHOT_REVERTED_BATCH]: batchId },
        }).then((snapshotId) => snapshotId !== null);
        return true;
      }
      return batches.transition(tx, batchId, ['failed'], 'inactive');
    });
    if (!reverted) {
      throw conflict(`batch ${batchId} is ${batch.status}; only a successful or failed batch can be reverted`);
    }
    if (!inHistory) await this.lake.removeBatch(this.location(scope, batch.datasetId, batchId));
    return this.getBatch(scope, batchId);
  }

  /** Ends a batch as `failed`: its staging area is discarded and its errors (and row errors) are kept. */
  async failBatch(
    scope: Scope,
    batchId: string,
    staging: BatchStaging | null,
    errors: Array<{ code: string; description: string }>,
    rowErrors: RowError[] = [],
    counts?: Pick<BatchOutcome, 'recordCount' | 'failedRecordCount' | 'inputFiles'>,
  ): Promise<void> {
    const batch = await this.getBatch(scope, batchId);
    await staging?.discard();
    await this.lake.abandonStaging(batchId);
    if (batch.status === 'failed') return;
    if (!batches.IN_FLIGHT.includes(batch.status)) throw conflict(`batch ${batchId} is ${batch.status}; it can no longer fail`);
    const outcome: BatchOutcome = {
      recordCount: 0,
      failedRecordCount: counts?.failedRecordCount ?? rowErrors.length,
      inputFiles: counts?.inputFiles ?? [],
      rowErrors,
    };
    await this.db.transaction(async (tx) => {
      const done = await batches.finalise(tx, batchId, {
        status: 'failed',
        recordCount: 0,
        failedRecordCount: outcome.failedRecordCount,
        size: 0,
        errors,
        metrics: this.metrics(outcome, []),
      });
      if (!done) return;
      await this.recordDetails(tx, batchId, outcome);
      await datasets.noteBatchOutcome(tx, batch.datasetId, batchId, 'failed');
    });
  }

  /**
   * Adds related objects to a batch inside the caller's transaction, whatever the batch's state: what it relates to
   * may only be known as it ends (a streaming micro-batch's window run is the one of the instant it commits in).
   */
  async relateBatch(tx: Queryable, batchId: string, objects: Array<{ type: string; id: string }>): Promise<void> {
    await batches.addRelatedObjects(tx, batchId, objects);
  }

  /** Keeps a long batch from looking abandoned to `recoverStaleBatches({ olderThanMs })` in another process. */
  async touchBatch(scope: Scope, batchId: string): Promise<void> {
    await this.getBatch(scope, batchId);
    await batches.touch(this.db, batchId);
  }

  /**
   * Start-up recovery: batches left `loading`/`processing` by a process that died become `failed`, and whatever
   * they staged or half-committed is removed. With one process (the default), run it before any worker starts
   * and leave `olderThanMs` at 0; with several, pass a delay longer than the interval at which workers touch
   * their batches. Returns the ids of the batches it failed.
   */
  async recoverStaleBatches(
    options: { olderThanMs?: number; except?: string[]; origin?: 'internal' | 'import'; reason?: string } = {},
  ): Promise<string[]> {
    const stale = await batches.selectStale(this.db, options.olderThanMs ?? 0, options.origin);
    const recovered: string[] = [];
    for (const row of stale) {
      // Batches whose processing still waits in the job queue (a completed import) are not abandoned.
      if (options.except?.includes(row.id)) continue;
      const location = { orgId: row.org_id, sandboxId: row.sandbox_id, datasetId: row.dataset_id, batchId: row.id };
      await this.lake.abandonStaging(row.id);
      // The process may have died between the lake commit and the Catalog update.
      await this.lake.removeBatch(location);
      const done = await this.db.transaction(async (tx) => {
        const changed = await batches.finalise(tx, row.id, {
          status: 'failed',
          recordCount: 0,
          failedRecordCount: 0,
          size: 0,
          errors: [{ code: BATCH_ERRORS.abandoned, description: options.reason ?? 'the process writing this batch stopped before it finished' }],
          metrics: {},
        });
        if (changed) await datasets.noteBatchOutcome(tx, row.dataset_id, row.id, 'failed');
        return changed;
      });
      if (done) recovered.push(row.id);
    }
    return recovered;
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  /** The resolved XDM schema of a dataset's Iceberg table, or null when Catalog keeps no tables. */
  private async tableSchemaOf(scope: Scope, datasetId: string): Promise<Record<string, unknown> | null> {
    if (!this.options.tableSchema) return null;
    return this.options.tableSchema(scope, (await this.getDataset(scope, datasetId)).schemaRef.id);
  }

  /**
   * The day partition a batch's files are written under (its partition field and the top-level column it is the day
   * of), or null for an unpartitioned table. Only time-series schemas are partitioned, so other datasets cost no look-up.
   */
  private async dayPartitioning(
    datasetId: string,
    schema: Record<string, unknown>,
    preTableFiles: boolean,
  ): Promise<{ field: PartitionField; column: string } | null> {
    if (!isTimeSeries(schema)) return null;
    const table = await readTable(this.db, datasetId);
    const fields = partitionFieldsFor(table?.metadata ?? null, schema, preTableFiles);
    if (fields.length === 0) return null;
    const [field] = fields;
    if (fields.length > 1 || field!.transform !== 'day')
      throw new Error(`dataset ${datasetId}'s table has a partition spec Tributary does not write`);
    const column = table ? currentSchema(table.metadata).fields.find((f) => f.id === field!['source-id'])?.name : TIMESTAMP_COLUMN;
    if (!column) throw new Error(`dataset ${datasetId}'s table partitions by a field its schema lacks`);
    return { field: field!, column };
  }

  /**
   * A dataset without an Iceberg table yet whose batches landed before it became one (an upgrade): their data
   * files, for the snapshot that creates the table, so that snapshot holds all the dataset's data.
   */
  private async filesBeforeTable(scope: Scope, datasetId: string, except: string): Promise<DataFile[]> {
    if (await readTable(this.db, datasetId)) return [];
    const ids = (await batches.selectSuccessfulBatchIds(this.db, scope, datasetId)).filter((id) => id !== except);
    if (ids.length === 0) return [];
    const where = { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId };
    const table = this.lake.table(where);
    const found: DataFile[] = [];
    for (const id of ids) {
      // The lake's local copies of the batch's files (the S3 lake's cache), whose footers give the record counts.
      const local = await this.lake.datasetFiles(where, [id]);
      try {
        for (const file of await batches.selectFiles(this.db, id)) {
          const path = local.paths.find((p) => p.endsWith(`${sep}${join(id, file.name)}`));
          if (!path) continue;
          found.push({ filePath: table.dataFileUri(id, file.name), recordCount: await parquetRowCount(path), fileSizeInBytes: file.size });
        }
      } finally {
        local.release();
      }
    }
    return found;
  }

  /** Record counts of a staging area's Parquet files, by their name in the batch. */
  private async stagedRowCounts(staging: BatchStaging): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!this.options.tableSchema) return counts;
    for (const file of await walk(staging.dir))
      if (file.name.endsWith('.parquet')) counts.set(file.name, await parquetRowCount(join(staging.dir, file.name)));
    return counts;
  }

  private location(scope: Scope, datasetId: string, batchId: string): BatchLocation {
    return { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId, batchId };
  }

  private metrics(outcome: BatchOutcome, files: LakeFile[]): Record<string, unknown> {
    return {
      inputFileCount: outcome.inputFiles.length,
      inputByteSize: outcome.inputFiles.reduce((sum, f) => sum + f.size, 0),
      inputRecordCount: outcome.recordCount + outcome.failedRecordCount,
      outputRecordCount: outcome.recordCount,
      failedRecordCount: outcome.failedRecordCount,
      outputFileCount: files.length,
      outputByteSize: files.reduce((sum, f) => sum + f.size, 0),
    };
  }

  private async recordDetails(tx: Queryable, batchId: string, outcome: BatchOutcome): Promise<void> {
    await batches.insertInputFiles(tx, batchId, outcome.inputFiles);
    await batches.insertRowErrors(tx, batchId, outcome.rowErrors.slice(0, this.maxRowErrors));
  }

  /** A client's bad `~` pattern in a filter is its mistake, not a server fault. */
  private async filtering<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isBadRegex(error)) throw invalid(`property: ${(error as Error).message}`);
      throw error;
    }
  }
}
