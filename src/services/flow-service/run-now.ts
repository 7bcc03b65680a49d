import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { RunJobs } from './run-job.js';
import type { Scope } from '../scope.js';
import { notFound } from '../errors.js';
import { checkId } from './resource.js';
import { serviceError } from '../error-codes.js';
import { createRun } from './runs.service.js';
import { lastWindowEnd } from './runs.repo.js';

/**
 * `POST /flows/{id}/runs`, Tributary's own addition: a run of any flow now, scheduled or not, beside AEP's
 * `POST /runs` (which stays for flows scheduled `once`). The run's window starts where the flow's latest run
 * ended it and ends now, so the next scheduled run goes on from there: nothing is taken twice or missed.
 * Like any run it waits `pending` while another run of the flow is in progress. Its job is queued at once,
 * in the same transaction, and wakes a worker (see JOBS_CHANNEL).
 */
export async function startRunNow(db: Db, queue: JobQueue<RunJobs>, scope: Scope, flowId: string): Promise<string> {
  checkId(flowId, 'Flow');
  return db.transaction(async (tx) => {
    // Locked, so a scheduler tick cannot start the same window meanwhile (it skips a flow another holds).
    const flow = await tx.query<{ doc: { scheduleParams?: unknown } }>(
      'select id, doc from flows where id = $1 and org_id = $2 and sandbox_id = $3 for update',
      [flowId, scope.orgId, scope.sandboxId],
    );
    if (flow.length === 0) throw notFound(`Flow ${flowId} not found`, 'FLOW-1004');
    if (!flow[0]!.doc.scheduleParams)
      throw serviceError('streamingFlowRunRefused', 'a streaming flow runs continuously while enabled; it takes no runs');
    const now = new Date();
    // Where the flow's latest run ended its window (null for its first run).
    const windowStart = await lastWindowEnd(tx, flowId);
    return createRun(tx, queue, {
      flowId,
      orgId: scope.orgId,
      sandboxId: scope.sandboxId,
      windowStart: windowStart && windowStart > now ? now : windowStart,
      windowEnd: now,
      clientId: scope.clientId,
    });
  });
}
