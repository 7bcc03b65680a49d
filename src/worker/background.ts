import type { Db } from '../store/db.js';
import type { CatalogService } from '../services/catalog/index.js';
import type { QueryService } from '../services/query/index.js';
import type { SandboxService } from '../services/sandbox/index.js';
import { IMPORT_QUEUE } from '../services/ingest/index.js';
import type { Scheduler } from '../services/flow-service/index.js';
import { platformJobHandlers, type PlatformJobDeps } from './platform-jobs.js';
import { startWorker } from './worker.js';

export interface BackgroundDeps extends PlatformJobDeps {
  db: Db;
  catalog: CatalogService;
  query: QueryService;
  sandboxes: SandboxService;
  scheduler: Scheduler;
}

/** A compaction rewrite untouched this long belongs to a dead process (a rewrite reads and writes for minutes). */
const ABANDONED_REWRITE_MS = 24 * 3_600_000;

/**
 * What a `serve` or `worker` process runs besides answering requests: it first cleans up after processes
 * that died, then starts the scheduler (unless told not to) and takes jobs from every queue.
 */
export async function startBackground(deps: BackgroundDeps, options: { scheduler?: boolean } = {}): Promise<void> {
  const { db, queue, catalog, query, sandboxes, scheduler, flowService, compactor } = deps;
  // One process owns the embedded database: whatever was in flight when it last stopped is dead.
  if (db.kind === 'pglite') {
    // A completed import whose job has not started yet is still to be processed, not abandoned.
    const queuedImports = (await queue.pending(IMPORT_QUEUE)).map((job) => job.batchId);
    await catalog.recoverStaleBatches({ except: queuedImports });
    await flowService.executor.failInterruptedRuns();
  }
  // Compaction rewrites a dead process left half-written: all of them on the embedded database, day-old ones on PostgreSQL.
  await compactor.abandonStaging(db.kind === 'pglite' ? 0 : ABANDONED_REWRITE_MS);
  // Queries left running by a dead process: all of them on the embedded database, past their timeout on PostgreSQL.
  await query.failInterruptedQueries(db.kind === 'pglite' ? {} : { olderThanMs: query.limits.timeoutMs });
  await sandboxes.resumeInterrupted();
  // What runs killed with their process left in the scratch folder.
  await flowService.executor.sweepScratch();
  if (options.scheduler !== false) await scheduler.start();
  await startWorker(queue, platformJobHandlers(deps));
  // Long-running: consumes every enabled streaming flow's partitions whose lease this process takes; stopped by the platform's close.
  flowService.streams.start();
}
