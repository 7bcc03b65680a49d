import { RUN_QUEUE, type FlowService } from '../services/flow-service/index.js';
import { IMPORT_QUEUE, type BatchIngestionService } from '../services/ingest/index.js';
import { SCHEDULED_QUERY_QUEUE, type QuerySchedulesService } from '../services/query/index.js';
import { COMPACT_QUEUE, TABLE_EXPIRE_QUEUE, type TableCompactor, type TableMaintenance } from '../services/catalog/index.js';
import type { JobQueue } from '../store/queue.js';
import type { PlatformJobs } from './jobs.js';
import type { InFlight, JobHandlers } from './worker.js';

/** How long a compaction that lost a race with another change of its table waits before it is tried again. */
const COMPACT_RETRY_SECONDS = 30;

/** How long a run whose flow has another run in progress waits before its job comes back. */
const RUN_WAIT_SECONDS = 2;

export interface PlatformJobDeps {
  queue: JobQueue<PlatformJobs>;
  flowService: FlowService;
  batchIngestion: BatchIngestionService;
  querySchedules: QuerySchedulesService;
  compactor: TableCompactor;
  tableMaintenance: TableMaintenance;
  inFlight: InFlight;
}

/** The platform's registry of jobs: what a worker does with each queue's jobs. */
export function platformJobHandlers({
  queue,
  flowService,
  batchIngestion,
  querySchedules,
  compactor,
  tableMaintenance,
  inFlight,
}: PlatformJobDeps): JobHandlers<PlatformJobs> {
  return {
    [RUN_QUEUE]: async ({ runId }) => {
      const outcome = await inFlight.run((signal) => flowService.executor.execute(runId, { signal }));
      // A fresh job, not a retry: a run handed back at shutdown has not failed.
      if (outcome === 'handedBack') await queue.enqueue(RUN_QUEUE, { runId });
      // Another run of its flow is in progress: this one stays pending and its job comes back shortly.
      if (outcome === 'waiting') await queue.enqueue(RUN_QUEUE, { runId }, { startAfterSeconds: RUN_WAIT_SECONDS });
    },
    // Batch Ingestion COMPLETE answers at once; its batch is processed here.
    [IMPORT_QUEUE]: (job) => batchIngestion.processImportBatch(job),
    // A scheduled query's run (a due slot or a trigger): its query runs here and the run ends with it.
    // Under `inFlight`, so that shutting down stops its query rather than waiting for it.
    [SCHEDULED_QUERY_QUEUE]: (job) => inFlight.run((signal) => querySchedules.execute(job, signal)),
    // A dataset's small files rewritten into few large ones; the table changed under it: again a little later.
    // Under `inFlight`, so that shutting down stops the rewrite (nothing committed) rather than waiting for it.
    [COMPACT_QUEUE]: (job) =>
      inFlight.run(async (signal) => {
        const outcome = await compactor.compact(job, signal);
        if (outcome.status === 'raced') await queue.enqueue(COMPACT_QUEUE, job, { startAfterSeconds: COMPACT_RETRY_SECONDS });
      }),
    // Snapshot expiry and orphan removal of every table due, claimed table by table (several workers share them).
    [TABLE_EXPIRE_QUEUE]: async () => void (await tableMaintenance.runDue()),
  };
}
