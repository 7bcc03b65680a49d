import type { Db, Queryable } from '../../store/db.js';
import { fileFailureKind, partialIngestionPercent, type SourceFile } from '../../pipeline/index.js';
import type { Scope } from '../scope.js';
import { ServiceError } from '../errors.js';
import { CODES, recorded, serviceError, type CodeName } from '../error-codes.js';
import type { IdentityService } from '../identity/index.js';
import type { ConnectionsService } from './connections.service.js';
import type { FileSelector } from './file-selection.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import type { FlowsService, FlowPlan } from './flows.service.js';
import type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';
import * as runs from './runs.repo.js';
import type { RunError, RunRow } from './runs.repo.js';
import * as flowFiles from './flow-files.repo.js';
import { runOutcome, isFinal } from './run-states.js';
import { RunProgress } from './run-progress.js';
import type { RunScratch } from './run-scratch.js';
import { storageFileFailure } from './storage-file-failure.js';
import type { JobQueue } from '../../store/queue.js';
import { RUN_QUEUE, type RunJobs } from './run-job.js';
import { StageTimes } from '../../pipeline/stage-times.js';

export interface RunExecutorDeps {
  db: Db;
  identity: IdentityService;
  flows: FlowsService;
  endpoints: EndpointConnectionsService;
  connections: ConnectionsService;
  catalog: CatalogPort;
  dataPrep: DataPrepPort;
  schemaRegistry: SchemaRegistryPort;
  pipeline: PipelinePort;
  /** Decides which files of the source a run takes. */
  selector: FileSelector;
  /** How often a run in progress proves it is alive (ms); a run silent for 10 times this is failed by others. */
  heartbeatMs?: number;
  /** How long a file that failed for a transient reason waits before a run takes it again. */
  fileRetry?: flowFiles.RetryBackoff;
  /** The runs' working folders (under the home). */
  scratch: RunScratch;
  /** The queue whose jobs of abandoned runs are ended with them. */
  queue: JobQueue<RunJobs>;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** A run as one attempt owns it: every write of the attempt is conditioned on still owning it. */
type OwnedRun = RunRow & { attempt: string };

/** A failure that ends the run `failed` with its own code. */
class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const runFailure = (name: CodeName, message: string) => new RunFailure(CODES[name].code, message);

interface RunMetrics {
  inputFiles: number;
  skipped: number;
  inputBytes: number;
  outputBytes: number;
  input: number;
  output: number;
  failed: number;
  failedFiles: number;
  outputFiles?: number;
}

/**
 * Executes one flow run: selects the new or changed files, sends them through the pipeline into one
 * Catalog batch, and records what it took. Executing the same run again (a retried job after a
 * crash) starts it over: the half-written batch of the first attempt is failed, never committed.
 */
export class RunExecutor {
  constructor(private readonly deps: RunExecutorDeps) {}

  /**
   * Runs it; `signal` (process shutdown) stops the pipeline between files and row batches, and the run is
   * then handed back: `pending` again, with no batch, for a job to take it anew ('handedBack'). While
   * another run of the same flow is in progress, this one stays pending ('waiting'): its job is to be
   * tried again later. A run a live attempt already owns (a queue retry while the first attempt still
   * runs) is left to that attempt ('done').
   */
  async execute(runId: string, options: { signal?: AbortSignal } = {}): Promise<'done' | 'handedBack' | 'waiting'> {
    const { db } = this.deps;
    const found = await runs.findRun(db, runId);
    if (!found || isFinal(found.status)) return 'done';
    const times = new StageTimes();
    const claim = await times.time('start', () => runs.claimRun(db, runId, this.silentSeconds));
    if (claim.kind === 'waiting') return 'waiting';
    if (claim.kind === 'taken') return 'done';
    // Taken once the claim has committed, so it never precedes the completion of the flow's previous run.
    const startedAt = new Date();
    const run: OwnedRun = { ...found, attempt: claim.attempt };
    const scope = await this.deps.identity.systemScope(run.org_id, run.sandbox_id);
    if (claim.previousBatchId) {
      // A previous attempt died midway: its batch never committed; mark it failed before starting over.
      await this.deps.catalog
        .failBatch(scope, claim.previousBatchId, null, [{ code: CODES.runRetried.code, description: 'the run was interrupted and retried' }])
        .catch(() => undefined);
    }
    // From the run's creation to a worker taking it: the scheduler's, the queue's and the wait for the flow's previous run.
    times.add('queued', startedAt.getTime() - new Date(run.created_at).getTime());
    // The heartbeat tells other processes this run's worker is alive (see failAbandonedRuns).
    const heartbeat = setInterval(() => {
      void runs.beat(db, run).catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      const plan = await times.time('setup', () => this.deps.flows.plan(run.flow_id));
      if (!plan) throw runFailure('flowDeleted', 'the flow was deleted');
      await this.ingest(scope, run, plan, startedAt, times, options.signal);
      this.deps.log('run timings', { runId, ms: times.rounded() });
    } catch (error) {
      if (options.signal?.aborted) {
        // Its batch was failed on the way out; the files stay unclaimed for the next attempt.
        await runs.handBackRun(db, run);
        this.deps.log('run handed back at shutdown', { runId });
        return 'handedBack';
      }
      const failure =
        error instanceof RunFailure
          ? error
          : error instanceof ServiceError
            ? new RunFailure(error.code ?? CODES.runUnexpected.code, error.message)
            : new RunFailure(CODES.runUnexpected.code, (error as Error).message);
      this.deps.log('run failed', { runId, code: failure.code, error: failure.message });
      await runs.finishRun(db, run, 'failed', { completedAt: new Date(), errors: [{ code: failure.code, message: failure.message }] });
    } finally {
      clearInterval(heartbeat);
    }
    return 'done';
  }

  /** How long a run in progress may stay silent before it counts as abandoned. */
  private get silentSeconds(): number {
    return (this.heartbeatMs * 10) / 1000;
  }

  private get heartbeatMs(): number {
    return this.deps.heartbeatMs ?? 15_000;
  }

  /**
   * Fails the runs whose worker stopped beating (its process died, on any machine): their batch is
   * failed and its staged files dropped, and their files stay unclaimed, so the next run takes them.
   * Every serve process calls this on its scheduler tick.
   */
  async failAbandonedRuns(): Promise<number> {
    const abandoned = await runs.failSilentRuns(
      this.deps.db,
      this.silentSeconds,
      recorded('runAbandoned', 'the worker running this run stopped responding'),
    );
    // Their jobs would otherwise stay active until the queue's expiry (hours), then be retried for nothing.
    await this.deps.queue.completeActive(
      RUN_QUEUE,
      'runId',
      abandoned.map((r) => r.id),
      { reason: 'the run was failed as abandoned' },
    );
    await this.sweepScratch();
    for (const run of abandoned) {
      if (!run.batch_id) continue;
      const scope = await this.deps.identity.systemScope(run.org_id, run.sandbox_id);
      await this.deps.catalog
        .failBatch(scope, run.batch_id, null, [{ code: CODES.runAbandoned.code, description: 'the run writing this batch was abandoned' }])
        .catch((error: unknown) => this.deps.log('could not fail an abandoned batch', { batchId: run.batch_id, error: String(error) }));
    }
    return abandoned.length;
  }

  /**
   * Fails the runs that were in progress when the embedded process stopped: their batches never
   * committed, and their files are still unclaimed, so the next run (or a RE_TRIGGER) takes them.
   */
  async failInterruptedRuns(): Promise<number> {
    const ids = await runs.failAllInProgress(this.deps.db, recorded('runInterrupted', 'the run was interrupted by a restart of the server'));
    await this.deps.queue.completeActive(RUN_QUEUE, 'runId', ids, { reason: 'the run was interrupted by a restart' });
    return ids.length;
  }

  /** Removes the working folders of runs no longer in progress (their process was killed). */
  async sweepScratch(): Promise<number> {
    return this.deps.scratch.sweep((names) => runs.runsInProgress(this.deps.db, names));
  }

  private async ingest(scope: Scope, run: OwnedRun, plan: FlowPlan, startedAt: Date, times: StageTimes, signal?: AbortSignal): Promise<void> {
    const { db, catalog } = this.deps;
    const setupStarted = performance.now();
    const source = await this.deps.endpoints.fileSource(scope, plan.sourceConnectionId);
    const target = await this.deps.endpoints.targetDataset(scope, plan.targetConnectionId);
    const dataset = await catalog.getDataset(scope, target.dataSetId);
    const schemaId = dataset.schemaRef?.id ?? target.schemaId;
    if (!schemaId) throw runFailure('datasetWithoutSchema', `dataset ${target.dataSetId} has no schema`);
    const mapping = plan.mapping ? await this.deps.dataPrep.getMappings(scope, plan.mapping.id, plan.mapping.version) : null;
    const targetSchema = await this.deps.schemaRegistry.targetSchema(scope, schemaId);
    times.add('setup', performance.now() - setupStarted);

    const { chosen, skipped } = await times.time('listing', () => this.deps.selector.select(scope, plan, startedAt, run.retake_failed_of));
    if (chosen.length === 0) {
      await this.complete(
        run,
        'success',
        null,
        startedAt,
        { inputFiles: 0, skipped, inputBytes: 0, outputBytes: 0, input: 0, output: 0, failed: 0, failedFiles: 0 },
        [],
      );
      return;
    }

    const { storage } = await this.deps.connections.open(scope, source.baseConnectionId);
    const { batchId, staging } = await times.time('beginBatch', () =>
      catalog.beginBatch(scope, {
        datasetId: target.dataSetId,
        inputFormat: { format: source.format.format === 'delimited' ? 'csv' : source.format.format },
        relatedObjects: [
          { type: 'dataSet', id: target.dataSetId },
          { type: 'flowRun', id: run.id },
          { type: 'flow', id: plan.id },
        ],
      }),
    );
    await runs.setRunBatch(db, run, batchId);
    try {
      const progress = new RunProgress(
        db,
        run.id,
        chosen.map((c) => c.entry.size ?? 0),
      );
      // A storage's refusal of one file becomes that file's failure, classified (permission, not found, outage).
      const files: SourceFile[] = chosen.map((c, index) => ({
        path: c.entry.path,
        size: c.entry.size ?? 0,
        open: async () => {
          const stream = await storage.read(c.entry.path).catch((error: unknown) => {
            throw storageFileFailure(error, c.entry.path);
          });
          return progress.track(index, stream, (error) => storageFileFailure(error, c.entry.path));
        },
        ...(storage.localPath
          ? {
              localPath: async () => {
                const path = await storage.localPath!(c.entry.path).catch((error: unknown) => {
                  throw storageFileFailure(error, c.entry.path);
                });
                if (path !== null) progress.readWhole(index);
                return path;
              },
            }
          : {}),
      }));
      const pipelineStarted = performance.now();
      const result = await this.deps.pipeline.ingest({
        ...(signal ? { signal } : {}),
        workDir: await this.deps.scratch.open(run.id),
        files,
        format: source.format,
        mappings: mapping ? mapping.mappings : null,
        target: targetSchema,
        outputDir: staging.dir,
      });
      times.add('pipeline', performance.now() - pipelineStarted);
      for (const [stage, ms] of Object.entries(result.timings ?? {})) times.add(`pipeline.${stage}`, ms);
      await progress.flush();
      const failedFiles = result.files.filter((f) => f.error);
      const fileErrors = failedFiles.map((f) => ({ code: f.error!.code, message: `${f.path}: ${f.error!.message}` }));
      const taken = (path: string) => {
        const c = chosen.find((x) => x.entry.path === path)!;
        return { path, versionTag: c.versionTag, size: c.entry.size ?? 0, modifiedAt: c.entry.modifiedAt };
      };
      /** The manifest learns why each failed file failed, so later runs know whether to take it again. */
      const recordFailures = async (tx: Queryable, landedBatch: string | null) => {
        for (const f of failedFiles) {
          const failure = { code: f.error!.code, message: f.error!.message, kind: fileFailureKind(f.error!.code) };
          await flowFiles.recordFailed(tx, plan.id, taken(f.path), run.id, landedBatch, failure, this.deps.fileRetry);
        }
      };
      const failedMetrics = (): RunMetrics => ({
        inputFiles: chosen.length,
        skipped,
        inputBytes: result.inputBytes,
        outputBytes: 0,
        input: result.inputRecordCount,
        output: 0,
        failed: result.inputRecordCount,
        failedFiles: failedFiles.length,
      });

      if (failedFiles.length === chosen.length) {
        // Nothing could be read: no batch lands, and the manifest remembers each file's failure.
        await catalog.failBatch(
          scope,
          batchId,
          staging,
          fileErrors.map((e) => ({ code: e.code, description: e.message })),
          result.rowErrors,
        );
        await db.transaction((tx) => recordFailures(tx, null));
        await this.complete(run, 'failed', batchId, startedAt, failedMetrics(), [
          recorded('noFileReadable', `none of the ${chosen.length} file(s) could be read`),
          ...fileErrors,
        ]);
        return;
      }
      // The file manifest commits in the batch's own transaction: a file version is claimed by one batch only
      // (a version whose read failed may be claimed again), so a batch that loses the claim to another rolls back.
      const recordManifest = async (tx: Queryable) => {
        for (const c of chosen) {
          if (failedFiles.some((f) => f.path === c.entry.path)) continue;
          if (!(await flowFiles.recordIngested(tx, plan.id, taken(c.entry.path), run.id, batchId))) {
            throw serviceError(
              'fileAlreadyClaimed',
              `${c.entry.path} (${c.versionTag}) was already ingested by another batch of this flow; this batch is rolled back`,
            );
          }
        }
        await recordFailures(tx, batchId);
      };
      const threshold = plan.partialIngestionPercent ?? partialIngestionPercent(dataset.tags);
      const outcome = await times.time('commit', () =>
        catalog.finishBatch(
          scope,
          batchId,
          staging,
          {
            recordCount: result.outputRecordCount,
            failedRecordCount: result.failedRecordCount,
            inputFiles: result.files.map((f) => ({ path: f.path, size: f.inputBytes, records: f.inputRecordCount, failed: f.failedRecordCount })),
            rowErrors: result.rowErrors,
            errors: failedFiles.map((f) => ({ code: f.error!.code, description: `${f.path}: ${f.error!.message}` })),
            ...(threshold !== undefined ? { partialIngestionPercent: threshold } : {}),
            failedFiles: failedFiles.map((f) => ({ path: f.path, failedRecordCount: f.failedRecordCount })),
          },
          recordManifest,
        ),
      );
      if (outcome.status !== 'success') {
        // The batch was refused (partial ingestion) or could not commit: nothing landed, and every file is taken again.
        const why = outcome.errors[0];
        await times.time('complete', () =>
          this.complete(run, 'failed', batchId, startedAt, failedMetrics(), [
            ...(why?.code === CODES.partialIngestionExceeded.code
              ? [{ code: why.code, message: why.description }]
              : [recorded('batchNotLanded', `the batch failed: ${why?.description ?? 'no valid row to write, or the commit failed'}`)]),
            ...fileErrors,
          ]),
        );
        return;
      }
      const status = runOutcome({ landed: true, failedRecords: result.failedRecordCount, failedFiles: failedFiles.length });
      await times.time('complete', () =>
        this.complete(
          run,
          status,
          batchId,
          startedAt,
          {
            inputFiles: chosen.length,
            skipped,
            inputBytes: result.inputBytes,
            outputBytes: result.outputBytes,
            input: result.inputRecordCount,
            output: result.outputRecordCount,
            failed: result.failedRecordCount,
            failedFiles: failedFiles.length,
            outputFiles: outcome.files.length,
          },
          // The status says there were losses; the errors name each file lost (failed rows are in the batch's row errors).
          fileErrors,
        ),
      );
    } catch (error) {
      if (!(error instanceof RunFailure)) {
        const code = (error instanceof ServiceError && error.code) || CODES.batchUnexpected.code;
        await catalog.failBatch(scope, batchId, staging, [{ code, description: (error as Error).message }]).catch(() => undefined);
      }
      throw error;
    } finally {
      await storage.close();
      await this.deps.scratch.remove(run.id).catch(() => undefined);
    }
  }

  private async complete(
    run: OwnedRun,
    status: 'success' | 'partialSuccess' | 'failed',
    batchId: string | null,
    startedAt: Date,
    m: RunMetrics,
    errors: RunError[],
  ): Promise<void> {
    const completedAt = new Date();
    const metrics = {
      durationSummary: { startedAtUTC: startedAt.getTime(), completedAtUTC: completedAt.getTime() },
      sizeSummary: { inputBytes: m.inputBytes, outputBytes: m.outputBytes },
      recordSummary: {
        inputRecordCount: m.input,
        createdRecordCount: m.output,
        outputRecordCount: m.output,
        failedRecordCount: m.failed,
        skippedRecordCount: 0,
      },
      fileSummary: {
        inputFileCount: m.inputFiles,
        outputFileCount: m.outputFiles ?? 0,
        skippedFileCount: m.skipped,
        failedFileCount: m.failedFiles,
        ...(batchId ? { manifest: { fileInfo: [{ path: `/data/foundation/export/batches/${batchId}/meta?path=input_files` }] } } : {}),
      },
    };
    await runs.finishRun(this.deps.db, run, status, { completedAt, metrics, errors, batchId });
  }
}
