import { RUN_QUEUE, type RunJobs } from '../services/flow-service/index.js';
import { IMPORT_QUEUE, type ImportJobs } from '../services/ingest/index.js';
import { SCHEDULED_QUERY_QUEUE, type ScheduledQueryJobs } from '../services/query/index.js';
import { COMPACT_QUEUE, type CompactJobs, TABLE_EXPIRE_QUEUE, type TableMaintenanceJobs } from '../services/catalog/index.js';

/**
 * Every queue of the platform and what its jobs carry: each service declares its own queues, and they meet
 * here. A new kind of job is one more member of this type; `JOB_QUEUES` and the worker's handlers then do
 * not compile until they name it.
 */
export type PlatformJobs = RunJobs & ImportJobs & ScheduledQueryJobs & CompactJobs & TableMaintenanceJobs;

export type JobName = keyof PlatformJobs;

/** One entry per queue (a record, so the compiler checks that none is missing), created when the queue starts. */
const QUEUES: { [Name in JobName]: true } = {
  [RUN_QUEUE]: true,
  [IMPORT_QUEUE]: true,
  [SCHEDULED_QUERY_QUEUE]: true,
  [COMPACT_QUEUE]: true,
  [TABLE_EXPIRE_QUEUE]: true,
};

export const JOB_QUEUES = Object.keys(QUEUES) as JobName[];
