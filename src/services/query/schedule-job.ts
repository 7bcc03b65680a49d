/** The queue of scheduled query runs: one job executes one run (queued by the schedule's due slot or a trigger). */
export const SCHEDULED_QUERY_QUEUE = 'scheduled-query-runs';

export interface ScheduledQueryJob {
  scheduleId: string;
  runId: string;
}

/** The queues Query Service enqueues on, and what their jobs carry. */
export type ScheduledQueryJobs = { [SCHEDULED_QUERY_QUEUE]: ScheduledQueryJob };
