import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.js';

/** What an attempt to start a run found. */
export type RunClaim =
  /** This attempt owns the run now; a batch a dead earlier attempt left open is `previousBatchId`. */
  | { kind: 'claimed'; attempt: string; previousBatchId: string | null }
  /** Another run of the same flow is in progress: this one stays pending and is tried again later. */
  | { kind: 'waiting' }
  /** The run ended, or a live attempt (a worker still beating) owns it: nothing to do. */
  | { kind: 'taken' };

const UNIQUE_VIOLATION = '23505';

/**
 * Moves a run to `inProgress` under a fresh attempt id, if it is pending, or in progress under an attempt
 * whose heartbeat stopped more than `staleSeconds` ago (its worker died and the queue retried the job).
 * The unique index on in-progress runs per flow (migration 013) refuses the claim while another run of
 * the flow is in progress, whichever process runs it.
 */
export async function claimRun(db: Queryable, runId: string, staleSeconds: number): Promise<RunClaim> {
  const attempt = randomUUID();
  try {
    const rows = await db.query<{ previous_batch_id: string | null }>(
      `with previous as (select id, batch_id from flow_runs where id = $1 for update)
       update flow_runs r set status = 'inProgress', attempt = $2, started_at = now(), heartbeat_at = now(), batch_id = null, updated_at = now()
       from previous
       where r.id = previous.id
         and (r.status = 'pending' or (r.status = 'inProgress' and (r.heartbeat_at is null or r.heartbeat_at < now() - make_interval(secs => $3))))
       returning previous.batch_id as previous_batch_id`,
      [runId, attempt, staleSeconds],
    );
    return rows[0] ? { kind: 'claimed', attempt, previousBatchId: rows[0].previous_batch_id } : { kind: 'taken' };
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) return { kind: 'waiting' };
    throw error;
  }
}
