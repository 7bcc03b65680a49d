import type { Db, Queryable } from '../../store/db.js';
import type { SourceFile } from '../../pipeline/contracts.js';
import { partialIngestionPercent } from '../../pipeline/index.js';
import type { Scope } from '../scope.js';
import { ServiceError, conflict } from '../errors.js';
import type { IdentityService } from '../identity/index.js';
import type { ConnectionsService } from './connections.service.js';
import type { FileSelector } from './file-selection.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import type { FlowsService, FlowPlan } from './flows.service.js';
import type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';
import type { RunRow } from './runs.service.js';
import { RunProgress } from './run-progress.js';
import { claimRun } from './run-claim.js';
import type { RunScratch } from './run-scratch.js';
import { RUN_QUEUE, type JobQueue } from '../../store/queue.js';
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
  /** The runs' working folders (under the home). */
  scratch: RunScratch;
  /** The queue whose jobs of abandoned runs are ended with them. */
  queue: JobQueue;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** A run as one attempt owns it: every write of the attempt is conditioned on still owning it. */
type OwnedRun = RunRow & { attempt: string };

class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
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
    const found = (await db.query<RunRow>('select * from flow_runs where id = $1', [runId]))[0];
    if (!found || ['success', 'partialSuccess', 'failed', 'cancelled'].includes(found.status)) return 'done';
    const times = new StageTimes();
    const claim = await times.time('start', () => claimRun(db, runId, this.silentSeconds));
    if (claim.kind === 'waiting') return 'waiting';
    if (claim.kind === 'taken') return 'done';
    // Taken once the claim has committed, so it never precedes the completion of the flow's previous run.
    const startedAt = new Date();
    const run: OwnedRun = { ...found, attempt: claim.attempt };
    const scope = await this.deps.identity.systemScope(run.org_id, run.sandbox_id);
    if (claim.previousBatchId) {
      // A previous attempt died midway: its batch never committed; mark it failed before starting over.
      await this.deps.catalog
        .failBatch(scope, claim.previousBatchId, null, [{ code: 'RUN-RETRY', description: 'the run was interrupted and retried' }])
        .catch(() => undefined);
    }
    // From the run's creation to a worker taking it: the scheduler's, the queue's and the wait for the flow's previous run.
    times.add('queued', startedAt.getTime() - new Date(run.created_at).getTime());
    // The heartbeat tells other processes this run's worker is alive (see failAbandonedRuns).
    const heartbeat = setInterval(() => {
      void db
        .query(`update flow_runs set heartbeat_at = now() where id = $1 and status = 'inProgress' and attempt = $2`, [runId, run.attempt])
        .catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      const plan = await times.time('setup', () => this.deps.flows.plan(run.flow_id));
      if (!plan) throw new RunFailure('FLOW-RUN-1001', 'the flow was deleted');
      await this.ingest(scope, run, plan, startedAt, times, options.signal);
      this.deps.log('run timings', { runId, ms: times.rounded() });
    } catch (error) {
      if (options.signal?.aborted) {
        // Its batch was failed on the way out; the files stay unclaimed for the next attempt.
        await db.query(
          `update flow_runs set status = 'pending', started_at = null, batch_id = null, attempt = null, metrics = '{}'::jsonb, updated_at = now()
           where id = $1 and attempt = $2`,
          [runId, run.attempt],
        );
        this.deps.log('run handed back at shutdown', { runId });
        return 'handedBack';
      }
      const failure =
        error instanceof RunFailure
          ? error
          : error instanceof ServiceError
            ? new RunFailure(error.code ?? 'FLOW-RUN-1000', error.message)
            : new RunFailure('FLOW-RUN-1000', (error as Error).message);
      this.deps.log('run failed', { runId, code: failure.code, error: failure.message });
      await db.query(
        `update flow_runs set status = 'failed', completed_at = now(), errors = $1::jsonb, updated_at = now(), etag = gen_random_uuid()
         where id = $2 and attempt = $3`,
        // Serialized here: node-postgres sends a JavaScript array as a PostgreSQL array, which jsonb refuses (22P02).
        [JSON.stringify([{ code: failure.code, message: failure.message }]), runId, run.attempt],
      );
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
    const abandoned = await this.deps.db.query<{ id: string; org_id: string; sandbox_id: string; batch_id: string | null }>(
      `update flow_runs set status = 'failed', completed_at = now(), updated_at = now(), etag = gen_random_uuid(),
         errors = '[{"code":"FLOW-RUN-1004","message":"the worker running this run stopped responding"}]'::jsonb
       where status = 'inProgress' and heartbeat_at < now() - make_interval(secs => $1)
       returning id, org_id, sandbox_id, batch_id`,
      [this.silentSeconds],
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
        .failBatch(scope, run.batch_id, null, [{ code: 'FLOW-RUN-1004', description: 'the run writing this batch was abandoned' }])
        .catch((error: unknown) => this.deps.log('could not fail an abandoned batch', { batchId: run.batch_id, error: String(error) }));
    }
    return abandoned.length;
  }

  /**
   * Fails the runs that were in progress when the embedded process stopped: their batches never
   * committed, and their files are still unclaimed, so the next run (or a RE_TRIGGER) takes them.
   */
  async failInterruptedRuns(): Promise<number> {
    const rows = await this.deps.db.query(
      `update flow_runs set status = 'failed', completed_at = now(), updated_at = now(), etag = gen_random_uuid(),
         errors = '[{"code":"FLOW-RUN-1003","message":"the run was interrupted by a restart of the server"}]'::jsonb
       where status = 'inProgress' returning id`,
    );
    await this.deps.queue.completeActive(
      RUN_QUEUE,
      'runId',
      rows.map((r) => String(r.id)),
      { reason: 'the run was interrupted by a restart' },
    );
    return rows.length;
  }

  /** Removes the working folders of runs no longer in progress (their process was killed). */
  async sweepScratch(): Promise<number> {
    return this.deps.scratch.sweep(async (names) => {
      const rows = await this.deps.db.query<{ id: string }>(
        `select id::text as id from flow_runs where id::text = any($1::text[]) and status = 'inProgress'`,
        [names],
      );
      return new Set(rows.map((r) => r.id));
    });
  }

  private async ingest(scope: Scope, run: OwnedRun, plan: FlowPlan, startedAt: Date, times: StageTimes, signal?: AbortSignal): Promise<void> {
    const { db, catalog } = this.deps;
    const setupStarted = performance.now();
    const source = await this.deps.endpoints.fileSource(scope, plan.sourceConnectionId);
    const target = await this.deps.endpoints.targetDataset(scope, plan.targetConnectionId);
    const dataset = await catalog.getDataset(scope, target.dataSetId);
    const schemaId = dataset.schemaRef?.id ?? target.schemaId;
    if (!schemaId) throw new RunFailure('FLOW-RUN-1002', `dataset ${target.dataSetId} has no schema`);
    const mapping = plan.mapping ? await this.deps.dataPrep.getMappings(scope, plan.mapping.id, plan.mapping.version) : null;
    const targetSchema = await this.deps.schemaRegistry.targetSchema(scope, schemaId);
    times.add('setup', performance.now() - setupStarted);

    const { chosen, skipped } = await times.time('listing', () => this.deps.selector.select(scope, plan, startedAt));
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
    await db.query('update flow_runs set batch_id = $1, updated_at = now() where id = $2 and attempt = $3', [batchId, run.id, run.attempt]);
    try {
      const progress = new RunProgress(
        db,
        run.id,
        chosen.map((c) => c.entry.size ?? 0),
      );
      const files: SourceFile[] = chosen.map((c, index) => ({
        path: c.entry.path,
        size: c.entry.size ?? 0,
        open: async () => progress.track(index, await storage.read(c.entry.path)),
        ...(storage.localPath
          ? {
              localPath: async () => {
                const path = await storage.localPath!(c.entry.path);
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
        ...partialIngestionOption(plan, dataset),
      });
      times.add('pipeline', performance.now() - pipelineStarted);
      for (const [stage, ms] of Object.entries(result.timings ?? {})) times.add(`pipeline.${stage}`, ms);
      await progress.flush();
      const failedFiles = result.files.filter((f) => f.error);
      const fileErrors = failedFiles.map((f) => ({ code: f.error!.code, message: `${f.path}: ${f.error!.message}` }));
      /** The batch fails whole: nothing lands, and the files stay unclaimed for the next run. */
      const failWhole = async (runError: { code: string; message: string }, batchErrors: Array<{ code: string; message: string }>) => {
        await catalog.failBatch(
          scope,
          batchId,
          staging,
          batchErrors.map((e) => ({ code: e.code, description: e.message })),
          result.rowErrors,
        );
        await this.complete(
          run,
          'failed',
          batchId,
          startedAt,
          {
            inputFiles: chosen.length,
            skipped,
            inputBytes: result.inputBytes,
            outputBytes: 0,
            input: result.inputRecordCount,
            output: 0,
            failed: result.inputRecordCount,
            failedFiles: failedFiles.length,
          },
          [runError, ...fileErrors],
        );
      };
      if (failedFiles.length === chosen.length) {
        await failWhole({ code: 'FLOW-RUN-2002', message: 'no file could be read' }, fileErrors);
        return;
      }
      if (result.partialIngestion?.exceeded) {
        // Partial ingestion: past the threshold of failed records the batch fails whole.
        const { failedPercent, thresholdPercent } = result.partialIngestion;
        const error = {
          code: 'FLOW-RUN-3002',
          message: `${failedPercent.toFixed(2)}% of the records failed, over the partial ingestion threshold of ${thresholdPercent}%`,
        };
        await failWhole(error, [error, ...fileErrors]);
        return;
      }
      // The file manifest commits in the batch's own transaction: a file version is claimed by one batch only
      // (a version whose read failed may be claimed again), so a batch that loses the claim to another rolls back.
      const recordManifest = async (tx: Queryable) => {
        for (const c of chosen) {
          const fileOutcome = result.files.find((f) => f.path === c.entry.path);
          const claimed = await tx.query(
            `insert into flow_files (flow_id, path, version_tag, size, modified_at, status, run_id, batch_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (flow_id, path, version_tag) do update
               set size = excluded.size, modified_at = excluded.modified_at, status = excluded.status, run_id = excluded.run_id,
                   batch_id = excluded.batch_id, recorded_at = now()
               where flow_files.status = 'failed'
             returning path`,
            [
              plan.id,
              c.entry.path,
              c.versionTag,
              c.entry.size ?? 0,
              c.entry.modifiedAt ? new Date(c.entry.modifiedAt) : null,
              fileOutcome?.error ? 'failed' : 'ingested',
              run.id,
              batchId,
            ],
          );
          if (claimed.length === 0) {
            throw conflict(
              `${c.entry.path} (${c.versionTag}) was already ingested by another batch of this flow; this batch is rolled back`,
              'FLOW-RUN-3003',
            );
          }
        }
      };
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
          },
          recordManifest,
        ),
      );
      const status = outcome.status === 'success' ? 'success' : 'failed';
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
            output: status === 'success' ? result.outputRecordCount : 0,
            failed: status === 'success' ? result.failedRecordCount : result.inputRecordCount,
            failedFiles: failedFiles.length,
            outputFiles: outcome.files.length,
          },
          // Files that could not be read are listed even when the others landed: the next run retries them.
          status === 'success'
            ? fileErrors
            : [{ code: 'FLOW-RUN-3001', message: 'the batch failed: no valid row to write, or the commit failed' }, ...fileErrors],
        ),
      );
    } catch (error) {
      if (!(error instanceof RunFailure)) {
        const code = (error instanceof ServiceError && error.code) || 'FLOW-RUN-3000';
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
    status: 'success' | 'failed',
    batchId: string | null,
    startedAt: Date,
    m: {
      inputFiles: number;
      skipped: number;
      inputBytes: number;
      outputBytes: number;
      input: number;
      output: number;
      failed: number;
      failedFiles: number;
      outputFiles?: number;
    },
    errors: Array<{ code: string; message: string }>,
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
    await this.deps.db.query(
      `update flow_runs set status = $1, completed_at = $2, metrics = $3::jsonb, errors = $4::jsonb, batch_id = $5, updated_at = now(), etag = gen_random_uuid()
       where id = $6 and attempt = $7`,
      [status, completedAt, JSON.stringify(metrics), JSON.stringify(errors), batchId, run.id, run.attempt],
    );
  }
}

/** The partial ingestion threshold: the flow's option, else the dataset's tag (acp_partialIngestionPercent). */
function partialIngestionOption(plan: FlowPlan, dataset: { tags?: Record<string, unknown> }): { partialIngestionPercent?: number } {
  const percent = plan.partialIngestionPercent ?? partialIngestionPercent(dataset.tags);
  return percent === undefined ? {} : { partialIngestionPercent: percent };
}
