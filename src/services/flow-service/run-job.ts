/** The queue of flow runs: one job executes one run (created `pending` by the scheduler, `POST /runs` or a run-now). */
export const RUN_QUEUE = 'flow-runs';

export interface RunJob {
  runId: string;
}

/** The queues Flow Service enqueues on, and what their jobs carry. */
export type RunJobs = { [RUN_QUEUE]: RunJob };
