import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { Lake } from '../../lake/index.js';
import type { FieldMapping, FilePreview, IngestRequest, IngestResult, SourceFile, SourceFormat, TargetSchema } from '../../pipeline/index.js';
import { type BatchRecord, type CatalogService, partialIngestionPercent } from '../catalog/index.js';
import { ServiceError, conflict, invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { readCatalogBatch, readCatalogBatchChange } from './catalog-batch-input.js';
import { readCsvHeader } from './csv-header.js';
import { type InputFormat, readImportBatch, readInputFormat, sourceFormat } from './import-input.js';
import { checkUploadPath } from './upload-path.js';
import * as store from './upload-store.js';
import * as uploads from './uploads.repo.js';

export interface BatchIngestionLimits {
  /** Largest file one PUT accepts (AEP: 256 MB). */
  maxFileBytes?: number;
  /** Largest large file, over all its chunks (AEP's HEAD announces 0–512000000). */
  maxLargeFileBytes?: number;
  /** Largest single PATCH chunk. */
  maxChunkBytes?: number;
}

export interface BatchIngestionDeps {
  db: Db;
  /** COMPLETE enqueues the batch's processing here (IMPORT_QUEUE); a worker calls `processImportBatch`. */
  queue: Pick<JobQueue<ImportJobs>, 'enqueue' | 'pending'>;
  /**
   * How often a worker processing a batch tells other processes it is alive (default 15 s); a batch
   * whose worker has been silent ten times as long is failed by `failAbandonedImports`.
   */
  heartbeatMs?: number;
  catalog: CatalogService;
  lake: Lake;
  pipeline: {
    ingest(request: IngestRequest): Promise<IngestResult>;
    previewFile(file: SourceFile, format: SourceFormat, limit?: number): Promise<FilePreview>;
  };
  /** The dataset's resolved XDM schema, as the Schema Registry gives it to runs. */
  targetSchema(scope: Scope, schemaId: string): Promise<TargetSchema>;
  limits?: BatchIngestionLimits;
  /** The most bytes one line of an uploaded file may take (the pipeline's default when unset). */
  maxRecordBytes?: number;
}

/** A batch as the import API answers with it: Catalog's batch, without our internal dataset field. */
export type ImportBatchView = Omit<BatchRecord, 'datasetId'>;

export interface UploadStatus {
  name: string;
  complete: boolean;
  /** Bytes of a complete file, or bytes received so far from 0 without a gap. */
  size: number;
}

/** Batch Ingestion COMPLETE: one job of this queue processes one import batch. */
export const IMPORT_QUEUE = 'import-batches';

/** What an IMPORT_QUEUE job carries: the batch and the scope of the client that completed it. */
export interface ImportJob {
  batchId: string;
  scope: Scope;
}

/** The queues Batch Ingestion enqueues on, and what their jobs carry. */
export type ImportJobs = { [IMPORT_QUEUE]: ImportJob };

export type BatchAction = 'COMPLETE' | 'ABORT' | 'FAIL' | 'REVERT';

const MB = 1024 * 1024;
const DEFAULTS: Required<BatchIngestionLimits> = { maxFileBytes: 256 * MB, maxLargeFileBytes: 512_000_000, maxChunkBytes: 256 * MB };

const view = (batch: BatchRecord): ImportBatchView => {
  const { datasetId: _, ...shown } = batch;
  return shown;
};

/** `bytes 0-999`, `bytes 0-999/5000`, `bytes 0-999/*` (AEP's docs send the first form). */
function parseContentRange(header: string | undefined): { start: number; end: number; total?: number } {
  const match = header ? /^\s*bytes\s+(\d+)-(\d+)(?:\/(\d+|\*))?\s*$/i.exec(header) : null;
  if (!match) throw invalid('a chunk needs a Content-Range header such as "bytes 0-1048575"');
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) throw invalid(`Content-Range "${header}" ends before it starts`);
  return { start, end, ...(match[3] && match[3] !== '*' ? { total: Number(match[3]) } : {}) };
}

/**
 * Batch Ingestion (`/data/foundation/import`): a client opens a batch on a dataset, uploads files into it (whole,
 * or large files in chunks), and completes it. Uploads wait in the batch's upload area, unseen by any reader;
 * COMPLETE sends them through the same pipeline as flow runs (parse → validate against the dataset's schema →
 * Parquet) into the batch's staging area, and Catalog commits it. ABORT and FAIL drop the uploads; REVERT
 * takes a landed batch back out of the lake.
 */
export class BatchIngestionService {
  /** The size limits in force (tests lower them to try oversized bodies cheaply). */
  readonly limits: Required<BatchIngestionLimits>;

  constructor(private readonly deps: BatchIngestionDeps) {
    this.limits = { ...DEFAULTS, ...deps.limits };
  }

  /** `POST /batches`. */
  async createBatch(scope: Scope, body: unknown): Promise<ImportBatchView> {
    return view(await this.deps.catalog.createImportBatch(scope, readImportBatch(body)));
  }

  /** `PUT …/files/{filePath}`: a whole file. Returns whether the file is new (201) or replaced one (200). */
  async putFile(scope: Scope, batchId: string, datasetId: string, filePath: string, body: Readable): Promise<{ created: boolean; size: number }> {
    const { area } = await this.openForUpload(scope, batchId, datasetId, filePath);
    const size = await store.writeWhole(area, filePath, body, this.limits.maxFileBytes);
    const created = await uploads.saveSmallUpload(this.deps.db, batchId, filePath, size);
    return { created, size };
  }

  /** `POST …/files/{filePath}?action=INITIALIZE`: starts (or restarts) a large file. */
  async initializeFile(scope: Scope, batchId: string, datasetId: string, filePath: string): Promise<void> {
    const { area } = await this.openForUpload(scope, batchId, datasetId, filePath);
    await store.createEmpty(area, filePath);
    await uploads.initLargeUpload(this.deps.db, batchId, filePath);
  }

  /** `PATCH …/files/{filePath}` with `Content-Range`: one chunk of a large file, recorded once all its bytes are written. */
  async putChunk(
    scope: Scope,
    batchId: string,
    datasetId: string,
    filePath: string,
    contentRange: string | undefined,
    body: Readable,
  ): Promise<{ name: string; sizeInBytes: number }> {
    const range = parseContentRange(contentRange);
    if (range.end >= this.limits.maxLargeFileBytes || (range.total !== undefined && range.total > this.limits.maxLargeFileBytes)) {
      throw new ServiceError('too_large', `a large file may hold at most ${this.limits.maxLargeFileBytes} bytes`);
    }
    if (range.end - range.start + 1 > this.limits.maxChunkBytes)
      throw new ServiceError('too_large', `a chunk may hold at most ${this.limits.maxChunkBytes} bytes`);
    const { area } = await this.openForUpload(scope, batchId, datasetId, filePath);
    const upload = await uploads.findUpload(this.deps.db, batchId, filePath);
    if (!upload?.large) throw invalid(`file "${filePath}" was not initialized: POST …/files/${filePath}?action=INITIALIZE first`);
    if (upload.complete) throw conflict(`file "${filePath}" is already complete`);
    if (range.total !== undefined && upload.totalSize !== null && range.total !== upload.totalSize) {
      throw invalid(`Content-Range announces ${range.total} bytes in all, but an earlier chunk announced ${upload.totalSize}`);
    }
    if (range.total !== undefined && range.end >= range.total)
      throw invalid(`Content-Range "${contentRange}" ends past the ${range.total} bytes it announces`);
    await store.writeChunk(area, filePath, body, range.start, range.end);
    await uploads.addChunk(this.deps.db, batchId, filePath, range.start, range.end, range.total);
    return { name: filePath, sizeInBytes: range.end - range.start + 1 };
  }

  /** `POST …/files/{filePath}?action=COMPLETE`: a large file whose chunks cover it from byte 0 without a gap. */
  async completeFile(scope: Scope, batchId: string, datasetId: string, filePath: string): Promise<{ name: string; sizeInBytes: number }> {
    const { area } = await this.openForUpload(scope, batchId, datasetId, filePath);
    const upload = await uploads.findUpload(this.deps.db, batchId, filePath);
    if (!upload?.large) throw notFound(`no large file "${filePath}" in batch ${batchId}`);
    if (upload.complete) return { name: filePath, sizeInBytes: upload.size };
    const { ranges, contiguous } = uploads.coverage(await uploads.listChunks(this.deps.db, batchId, filePath));
    if (ranges.length > 1 || (ranges.length === 1 && ranges[0]!.start !== 0)) {
      const have = ranges.map((r) => `${r.start}-${r.end}`).join(', ');
      throw invalid(`file "${filePath}" has gaps: received bytes ${have}; send the missing chunks, then COMPLETE again`);
    }
    if (upload.totalSize !== null && contiguous !== upload.totalSize) {
      throw invalid(
        `file "${filePath}" is incomplete: ${contiguous} of its ${upload.totalSize} bytes arrived; send the missing chunks, then COMPLETE again`,
      );
    }
    await store.truncateTo(area, filePath, contiguous);
    await uploads.markComplete(this.deps.db, batchId, filePath, contiguous);
    return { name: filePath, sizeInBytes: contiguous };
  }

  /** `HEAD …/files/{filePath}`: how much of the file has arrived. */
  async fileStatus(scope: Scope, batchId: string, datasetId: string, filePath: string): Promise<UploadStatus> {
    await this.importBatch(scope, batchId, datasetId);
    checkUploadPath(filePath);
    const upload = await uploads.findUpload(this.deps.db, batchId, filePath);
    if (!upload) throw notFound(`no file "${filePath}" in batch ${batchId}`);
    if (upload.complete) return { name: filePath, complete: true, size: upload.size };
    const { contiguous } = uploads.coverage(await uploads.listChunks(this.deps.db, batchId, filePath));
    return { name: filePath, complete: false, size: contiguous };
  }

  /** `GET /batches/{batchId}/datasets/{datasetId}/preview`: the first rows of the batch's first uploaded file. */
  async preview(scope: Scope, batchId: string, datasetId: string, query: Record<string, string | undefined>): Promise<Record<string, unknown>> {
    const batch = await this.importBatch(scope, batchId, datasetId);
    const stored = batch.inputFormat ?? { format: 'json' };
    const input = readInputFormat({
      ...stored,
      ...(query.format ? { format: query.format } : {}),
      ...(query.isMultiLineJson !== undefined ? { isMultiLineJson: query.isMultiLineJson } : {}),
      ...(query.delimiter ? { delimiter: query.delimiter } : {}),
      ...(query.quote ? { quote: query.quote } : {}),
      ...(query.escape ? { escape: query.escape } : {}),
      ...(query.charset ? { charset: query.charset } : {}),
      ...(query.header !== undefined ? { header: query.header } : {}),
    });
    const nrow = query.nrow === undefined || query.nrow === '' || query.nrow === '0' ? 10 : Number(query.nrow);
    if (!Number.isInteger(nrow) || nrow < 1 || nrow > 100) throw invalid('nrow must be an integer from 1 to 100');
    const first = (await uploads.listUploads(this.deps.db, batchId)).find((u) => u.complete);
    if (!first) throw notFound(`batch ${batchId} has no complete file to preview yet`);
    const area = await this.deps.lake.uploadArea(this.location(scope, batch));
    let preview: FilePreview;
    try {
      // A batch's preview shows the rows as the batch reads them: with its delimiter, a comma unless given (never a detected one).
      const format = sourceFormat(input);
      const asIngested = format.format === 'delimited' ? { columnDelimiter: ',', ...format } : format;
      preview = await this.deps.pipeline.previewFile(this.sourceFile(area, first), asIngested, nrow);
    } catch (error) {
      throw invalid(`the file "${first.name}" cannot be read as ${input.format}: ${(error as Error).message}`);
    }
    const columns = preview.columns.map((c, i) => ({ cid: String(i), name: c.name }));
    return {
      formatParams: {
        format: input.format,
        ...(input.format === 'csv'
          ? { delimiter: input.delimiter ?? ',', quote: input.quote ?? '"', escape: input.escape ?? '\\', header: input.header !== 'false' }
          : {}),
        ...(input.format === 'json' ? { isMultiLineJson: input.isMultiLineJson ?? false } : {}),
        charset: input.charset ?? 'UTF-8',
      },
      preview: { columns, rows: preview.rows.map((row) => Object.fromEntries(columns.map((c) => [c.cid, row[c.name] ?? null]))) },
    };
  }

  /**
   * `POST /catalog/batches`: Catalog's way to open a batch. It is an import batch like one from `POST /import/batches`
   * (files are then uploaded through the import API), and returns its id.
   */
  async createCatalogBatch(scope: Scope, body: unknown): Promise<string> {
    return (await this.deps.catalog.createImportBatch(scope, readImportBatch(readCatalogBatch(body)))).id;
  }

  /**
   * `PUT|PATCH /catalog/batches/{id}`: tags change (PATCH merges, PUT replaces), and a new status is carried out as
   * the import API's action reaching it, with that action's rules: a `loading` batch completes (→ `processing`,
   * then `success` or `failed` once its files are read), aborts or fails; a landed one reverts (`inactive`).
   * Everything is checked before anything changes.
   */
  async updateCatalogBatch(scope: Scope, batchId: string, body: unknown, mode: 'put' | 'patch'): Promise<void> {
    const current = await this.deps.catalog.getBatch(scope, batchId);
    const change = readCatalogBatchChange(body, current, mode);
    if (change.action && change.action !== 'REVERT') await this.deps.catalog.getImportBatch(scope, batchId);
    if (change.action === 'COMPLETE' && current.status !== 'loading')
      throw conflict(`batch ${batchId} is ${current.status}; only a loading batch can be completed`);
    if ((change.action === 'ABORT' || change.action === 'FAIL') && current.status !== 'loading')
      throw conflict(`batch ${batchId} is ${current.status}; only a loading batch can be ${change.action === 'ABORT' ? 'aborted' : 'failed'}`);
    if (change.action === 'REVERT' && current.status !== 'success' && current.status !== 'failed')
      throw conflict(`batch ${batchId} is ${current.status}; only a successful or failed batch can be reverted`);
    if (change.tags) await this.deps.catalog.setBatchTags(scope, batchId, change.tags, mode === 'put' ? 'replace' : 'merge');
    if (change.action) await this.batchAction(scope, batchId, change.action);
  }

  /** `POST /batches/{batchId}?action=…`. */
  async batchAction(scope: Scope, batchId: string, action: string | undefined): Promise<ImportBatchView> {
    switch ((action ?? '').toUpperCase() as BatchAction) {
      case 'COMPLETE':
        return view(await this.complete(scope, batchId));
      case 'ABORT':
        return view(await this.deps.catalog.endImportBatch(scope, batchId, 'aborted'));
      case 'FAIL':
        return view(
          await this.deps.catalog.endImportBatch(scope, batchId, 'failed', [
            { code: 'TRIB-IMPORT-1001', description: 'the batch was failed by its client' },
          ]),
        );
      case 'REVERT':
        return view(await this.deps.catalog.revertBatch(scope, batchId));
      default:
        throw invalid(`action must be one of COMPLETE, ABORT, FAIL, REVERT; got ${JSON.stringify(action ?? '')}`);
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  /**
   * COMPLETE, as AEP does it: checks what can be refused at once (the batch is loading, every upload is whole, the
   * dataset's schema resolves), moves the batch to `processing` and enqueues its processing in one transaction,
   * and answers. The batch then ends `success` or `failed` in Catalog (`processImportBatch`).
   */
  private async complete(scope: Scope, batchId: string): Promise<BatchRecord> {
    const { catalog } = this.deps;
    const batch = await catalog.getImportBatch(scope, batchId);
    if (batch.status !== 'loading') throw conflict(`batch ${batchId} is ${batch.status}; only a loading batch can be completed`);
    const files = await uploads.listUploads(this.deps.db, batchId);
    const unfinished = files.filter((f) => !f.complete).map((f) => f.name);
    if (unfinished.length > 0)
      throw invalid(`these large files are not complete: ${unfinished.join(', ')}; send their chunks and COMPLETE each file first`);
    await this.resolveTarget(scope, batch);
    const job: ImportJob = { batchId, scope };
    return catalog.queueImportBatch(scope, batchId, async (tx) => {
      await this.deps.queue.enqueue(IMPORT_QUEUE, job, { tx, singletonKey: `import-${batchId}` });
    });
  }

  /**
   * The IMPORT_QUEUE job: the batch's uploads go through the pipeline into a staging area, and Catalog lands or
   * fails the batch; the upload area is dropped either way. Idempotent, since a job whose process died is run
   * again: a batch no longer `processing` was finished already (or failed by start-up recovery) and is left
   * alone, and what a dead attempt may have put in the lake without Catalog recording it is removed first.
   */
  async processImportBatch(job: ImportJob): Promise<void> {
    const { catalog, lake } = this.deps;
    const { scope, batchId } = job;
    const batch = await catalog.getImportBatch(scope, batchId).catch((error: unknown) => {
      // The batch went with its dataset or sandbox while queued: nothing to do.
      if (error instanceof ServiceError && error.kind === 'not_found') return null;
      throw error;
    });
    if (batch?.status !== 'processing') return;
    const location = this.location(scope, batch);
    let staging: Awaited<ReturnType<Lake['stage']>> | null = null;
    // The heartbeat tells other processes this batch's worker is alive (see failAbandonedImports).
    const beat = () => catalog.touchBatch(scope, batchId).catch(() => undefined);
    await beat();
    const heartbeat = setInterval(() => void beat(), this.heartbeatMs);
    heartbeat.unref();
    try {
      await lake.removeBatch(location);
      const dataset = await catalog.getDataset(scope, batch.datasetId);
      const target = await this.resolveTarget(scope, batch);
      const files = await uploads.listUploads(this.deps.db, batchId);
      const input = readInputFormat(batch.inputFormat ?? { format: 'json' });
      const area = await lake.uploadArea(location);
      staging = await lake.stage(location);
      const result = await this.ingest(
        files.map((f) => this.sourceFile(area, f)),
        input,
        target,
        staging.dir,
        area,
      );
      const failedFiles = result.files.filter((f) => f.error);
      const fileErrors = failedFiles.map((f) => ({ code: f.error!.code, description: `${f.path}: ${f.error!.message}` }));
      // Without partial ingestion, a batch with a bad record or an unreadable file fails whole, as in AEP:
      // Catalog applies the partial ingestion rule (the same one as for flow runs) when it finishes the batch.
      const threshold = partialIngestionPercent(batch.tags) ?? partialIngestionPercent(dataset.tags) ?? 0;
      const inputFiles = result.files.map((f) => ({ path: f.path, size: f.inputBytes, records: f.inputRecordCount, failed: f.failedRecordCount }));
      const finishing = staging;
      staging = null;
      await catalog.finishBatch(scope, batchId, finishing, {
        recordCount: result.outputRecordCount,
        failedRecordCount: result.failedRecordCount,
        inputFiles,
        rowErrors: result.rowErrors,
        errors: fileErrors,
        partialIngestionPercent: threshold,
        failedFiles: failedFiles.map((f) => ({ path: f.path, failedRecordCount: f.failedRecordCount })),
      });
    } catch (error) {
      // A failure the batch can report ends it `failed`; only if even that fails does the job retry.
      await catalog.failBatch(scope, batchId, staging, [
        { code: 'TRIB-IMPORT-1000', description: `the batch could not be processed: ${(error as Error).message}` },
      ]);
    } finally {
      clearInterval(heartbeat);
      await lake.abandonStaging(batchId).catch(() => undefined);
    }
  }

  /**
   * Upkeep every process does on the scheduler's tick: an import batch whose worker died midway (no
   * heartbeat for ten intervals, and no job of it waiting or just started) is failed, and whatever it
   * put in the lake is removed. Its client uploads the files to a new batch. Without this, the batch
   * would stay `processing` until the job queue gave its job to another worker hours later.
   */
  async failAbandonedImports(): Promise<string[]> {
    const silentMs = this.heartbeatMs * 10;
    const alive = (await this.deps.queue.pending(IMPORT_QUEUE, { startedWithinMs: silentMs })).map((job) => job.batchId);
    return this.deps.catalog.recoverStaleBatches({
      origin: 'import',
      olderThanMs: silentMs,
      except: alive,
      reason: 'the worker processing this batch stopped responding; upload its files to a new batch',
    });
  }

  /** How often a batch being processed proves its worker is alive (ms). */
  get heartbeatMs(): number {
    return this.deps.heartbeatMs ?? 15_000;
  }

  private async resolveTarget(scope: Scope, batch: BatchRecord): Promise<TargetSchema> {
    const dataset = await this.deps.catalog.getDataset(scope, batch.datasetId);
    return this.deps.targetSchema(scope, dataset.schemaRef.id).catch((error: unknown) => {
      throw invalid(`the schema of dataset ${dataset.id} cannot be resolved: ${(error as Error).message}`);
    });
  }

  /**
   * JSON and Parquet files are XDM already; a CSV's header names XDM paths, so each CSV is mapped column → path.
   * CSVs with the same header share one pipeline call; results add up.
   */
  private async ingest(files: SourceFile[], input: InputFormat, target: TargetSchema, outputDir: string, area: string): Promise<IngestResult> {
    const format = sourceFormat(input);
    const groups: Array<{ files: SourceFile[]; mappings: FieldMapping[] | null }> = [];
    if (input.format !== 'csv' || input.header === 'false') {
      groups.push({ files, mappings: null });
    } else {
      const byHeader = new Map<string, { files: SourceFile[]; mappings: FieldMapping[] | null }>();
      for (const file of files) {
        const header = await readCsvHeader(store.storedPath(area, file.path), {
          ...(input.delimiter ? { delimiter: input.delimiter } : {}),
          ...(input.quote ? { quote: input.quote } : {}),
          ...(input.escape ? { escape: input.escape } : {}),
          latin1: input.charset === 'ISO-8859-1',
          ...(this.deps.maxRecordBytes !== undefined ? { maxBytes: this.deps.maxRecordBytes } : {}),
        });
        const key = JSON.stringify(header);
        if (!byHeader.has(key)) {
          const mappings = header
            ? header.filter((c) => c !== '').map((c): FieldMapping => ({ sourceType: 'ATTRIBUTE', source: c, destination: c }))
            : null;
          byHeader.set(key, { files: [], mappings });
        }
        byHeader.get(key)!.files.push(file);
      }
      groups.push(...byHeader.values());
    }
    const total: IngestResult = {
      files: [],
      inputRecordCount: 0,
      outputRecordCount: 0,
      failedRecordCount: 0,
      inputBytes: 0,
      outputBytes: 0,
      rowErrors: [],
    };
    for (const group of groups) {
      const result = await this.deps.pipeline.ingest({
        files: group.files,
        format,
        mappings: group.mappings,
        target,
        outputDir,
        ...(this.deps.maxRecordBytes !== undefined ? { maxRecordBytes: this.deps.maxRecordBytes } : {}),
      });
      total.files.push(...result.files);
      total.inputRecordCount += result.inputRecordCount;
      total.outputRecordCount += result.outputRecordCount;
      total.failedRecordCount += result.failedRecordCount;
      total.inputBytes += result.inputBytes;
      total.outputBytes += result.outputBytes;
      total.rowErrors.push(...result.rowErrors);
    }
    // Files keep their upload order in what the batch reports, whichever group read them.
    const order = new Map(files.map((f, i) => [f.path, i]));
    total.files.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
    return total;
  }

  private sourceFile(area: string, upload: uploads.Upload): SourceFile {
    return { path: upload.name, size: upload.size, open: async () => createReadStream(store.storedPath(area, upload.name)) };
  }

  /** The batch, checked: an import batch of this scope, on the dataset the URL names. */
  private async importBatch(scope: Scope, batchId: string, datasetId: string): Promise<BatchRecord> {
    const batch = await this.deps.catalog.getImportBatch(scope, batchId);
    if (batch.datasetId !== datasetId) throw notFound(`batch ${batchId} does not belong to dataset ${datasetId}`);
    return batch;
  }

  /** A batch that still takes uploads, and its upload area. */
  private async openForUpload(scope: Scope, batchId: string, datasetId: string, filePath: string): Promise<{ batch: BatchRecord; area: string }> {
    checkUploadPath(filePath);
    const batch = await this.importBatch(scope, batchId, datasetId);
    if (batch.status !== 'loading') throw conflict(`batch ${batchId} is ${batch.status}; files can be uploaded only while it is loading`);
    return { batch, area: await this.deps.lake.uploadArea(this.location(scope, batch)) };
  }

  private location(scope: Scope, batch: BatchRecord) {
    return { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId: batch.datasetId, batchId: batch.id };
  }
}
