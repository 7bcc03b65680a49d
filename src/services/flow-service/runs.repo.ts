import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.js';
import { FINAL_RUN_STATUSES, OPEN_RUN_STATUSES, statusesBefore, type RunStatus } from './run-states.js';

/**
 * The one module that reads and writes `flow_runs`. Every change of a run's status goes through
 * `moveRuns`, which only matches runs in a status the transitions table lets move to the new one.
 */

export interface RunRow {
  id: string;
  flow_id: string;
  org_id: string;
  sandbox_id: string;
  status: RunStatus;
  window_start: Date | string | null;
  window_end: Date | string;
  started_at: Date | string | null;
  completed_at: Date | string | null;
  batch_id: string | null;
  metrics: Record<string, unknown>;
  errors: Array<Record<string, unknown>>;
  retry_of: string | null;
  /** A re-trigger takes again the files this run failed on, whatever their failure. */
  retake_failed_of: string | null;
  etag: string;
  created_client: string;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface RunError {
  code: string;
  message: string;
}

/** A run as a list of runs shows it: scoped, newest first. */
export interface RunScopeFilter {
  orgId: string;
  sandboxId: string;
  flowId?: string;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Moves the runs matched by `where` to status `to`, setting `set` besides. Only runs whose status may
 * move to `to` are matched, so a run that already ended (or was taken by another attempt) is left as it
 * is: the caller learns it from the rows returned. `$1` is the status; the caller's params follow.
 */
async function moveRuns<T>(
  q: Queryable,
  to: RunStatus,
  change: { set: string; where: string; params: unknown[]; returning?: string; from?: string; alias?: string },
): Promise<T[]> {
  const alias = change.alias ?? 'flow_runs';
  const table = change.alias ? `flow_runs ${change.alias}` : 'flow_runs';
  const before = statusesBefore(to);
  return q.query<T>(
    `${change.from ?? ''} update ${table} set status = $1, updated_at = now()${change.set ? `, ${change.set}` : ''}
     ${change.from ? `from previous` : ''}
     where ${alias}.status = any($2::text[]) and (${change.where})
     ${change.returning ? `returning ${change.returning}` : ''}`,
    [to, before, ...change.params],
  );
}

/** A run to create: its flow, its window, who asked, and what it repeats (a retry, a RE_TRIGGER). */
export interface NewRun {
  flowId: string;
  orgId: string;
  sandboxId: string;
  windowStart: Date | null;
  windowEnd: Date;
  clientId: string;
  retryOf?: string;
  retakeFailedOf?: string;
}

export async function insertRun(q: Queryable, run: NewRun): Promise<string> {
  const id = randomUUID();
  await q.query(
    `insert into flow_runs (id, flow_id, org_id, sandbox_id, status, window_start, window_end, retry_of, retake_failed_of, etag, created_client)
     values ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10)`,
    [
      id,
      run.flowId,
      run.orgId,
      run.sandboxId,
      run.windowStart,
      run.windowEnd,
      run.retryOf ?? null,
      run.retakeFailedOf ?? null,
      randomUUID(),
      run.clientId,
    ],
  );
  return id;
}

export async function findRun(q: Queryable, id: string): Promise<RunRow | undefined> {
  return (await q.query<RunRow>('select * from flow_runs where id = $1', [id]))[0];
}

export async function findScopedRun(q: Queryable, scope: { orgId: string; sandboxId: string }, id: string): Promise<RunRow | undefined> {
  return (await q.query<RunRow>('select * from flow_runs where id = $1 and org_id = $2 and sandbox_id = $3', [id, scope.orgId, scope.sandboxId]))[0];
}

function scopeWhere(filter: RunScopeFilter): { where: string; params: unknown[] } {
  return {
    where: `where org_id = $1 and sandbox_id = $2 ${filter.flowId ? 'and flow_id = $3::uuid' : ''}`,
    params: [filter.orgId, filter.sandboxId, ...(filter.flowId ? [filter.flowId] : [])],
  };
}

/** Runs newest first; one page of them when `page` is given. */
export async function listRuns(q: Queryable, filter: RunScopeFilter, page?: { limit: number; offset: number }): Promise<RunRow[]> {
  const { where, params } = scopeWhere(filter);
  const paging = page ? `limit ${Math.trunc(page.limit)} offset ${Math.trunc(page.offset)}` : '';
  return q.query<RunRow>(`select * from flow_runs ${where} order by created_at desc, id desc ${paging}`, params);
}

export async function countRuns(q: Queryable, filter: RunScopeFilter): Promise<number> {
  const { where, params } = scopeWhere(filter);
  return Number((await q.query<{ n: string | number }>(`select count(*) as n from flow_runs ${where}`, params))[0]!.n);
}

/** The flow's newest run, as `lastRunDetails` shows it. */
export async function latestRunOf(
  q: Queryable,
  flowId: string,
): Promise<{ id: string; status: RunStatus; started_at: Date | string | null; completed_at: Date | string | null } | undefined> {
  return (
    await q.query<{ id: string; status: RunStatus; started_at: Date | string | null; completed_at: Date | string | null }>(
      'select id, status, started_at, completed_at from flow_runs where flow_id = $1 order by created_at desc limit 1',
      [flowId],
    )
  )[0];
}

export async function flowHasRun(q: Queryable, flowId: string): Promise<boolean> {
  return (await q.query('select 1 from flow_runs where flow_id = $1 limit 1', [flowId])).length > 0;
}

/** Whether a run of the flow is still pending or in progress. */
export async function flowHasOpenRun(q: Queryable, flowId: string): Promise<boolean> {
  return (await q.query('select 1 from flow_runs where flow_id = $1 and status = any($2::text[]) limit 1', [flowId, OPEN_RUN_STATUSES])).length > 0;
}

/** Where the flow's newest window ends: the next scheduled run's window starts there. */
export async function lastWindowEnd(q: Queryable, flowId: string): Promise<Date | null> {
  const row = (
    await q.query<{ window_end: Date | string }>('select window_end from flow_runs where flow_id = $1 order by window_end desc limit 1', [flowId])
  )[0];
  return row ? new Date(row.window_end) : null;
}

export async function sandboxHasRunInProgress(q: Queryable, scope: { orgId: string; sandboxId: string }): Promise<boolean> {
  return (
    (await q.query(`select 1 from flow_runs where org_id = $1 and sandbox_id = $2 and status = 'inProgress' limit 1`, [scope.orgId, scope.sandboxId]))
      .length > 0
  );
}

export async function deleteSandboxRuns(q: Queryable, scope: { orgId: string; sandboxId: string }): Promise<void> {
  await q.query('delete from flow_runs where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}

/** Of the run ids given, those in progress. */
export async function runsInProgress(q: Queryable, ids: string[]): Promise<Set<string>> {
  const rows = await q.query<{ id: string }>(`select id::text as id from flow_runs where id::text = any($1::text[]) and status = 'inProgress'`, [
    ids,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** What an attempt to start a run found. */
export type RunClaim =
  /** This attempt owns the run now; a batch a dead earlier attempt left open is `previousBatchId`. */
  | { kind: 'claimed'; attempt: string; previousBatchId: string | null }
  /** Another run of the same flow is in progress: this one stays pending and is tried again later. */
  | { kind: 'waiting' }
  /** The run ended, or a live attempt (a worker still beating) owns it: nothing to do. */
  | { kind: 'taken' };

/**
 * Moves a run to `inProgress` under a fresh attempt id, if it is pending, or in progress under an attempt
 * whose heartbeat stopped more than `staleSeconds` ago (its worker died and the queue retried the job).
 * The unique index on in-progress runs per flow (migration 013) refuses the claim while another run of
 * the flow is in progress, whichever process runs it.
 */
export async function claimRun(q: Queryable, runId: string, staleSeconds: number): Promise<RunClaim> {
  const attempt = randomUUID();
  try {
    const rows = await moveRuns<{ previous_batch_id: string | null }>(q, 'inProgress', {
      from: 'with previous as (select id, batch_id from flow_runs where id = $3 for update)',
      alias: 'r',
      set: 'attempt = $4, started_at = now(), heartbeat_at = now(), batch_id = null',
      where: `r.id = previous.id
        and (r.status = 'pending' or (r.heartbeat_at is null or r.heartbeat_at < now() - make_interval(secs => $5)))`,
      params: [runId, attempt, staleSeconds],
      returning: 'previous.batch_id as previous_batch_id',
    });
    return rows[0] ? { kind: 'claimed', attempt, previousBatchId: rows[0].previous_batch_id } : { kind: 'taken' };
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) return { kind: 'waiting' };
    throw error;
  }
}

/** An attempt that owns a run: every write of the attempt is conditioned on still owning it. */
export interface RunAttempt {
  id: string;
  attempt: string;
}

export async function beat(q: Queryable, run: RunAttempt): Promise<void> {
  await q.query(`update flow_runs set heartbeat_at = now() where id = $1 and status = 'inProgress' and attempt = $2`, [run.id, run.attempt]);
}

export async function setRunBatch(q: Queryable, run: RunAttempt, batchId: string): Promise<void> {
  await q.query('update flow_runs set batch_id = $1, updated_at = now() where id = $2 and attempt = $3', [batchId, run.id, run.attempt]);
}

/** Live progress, kept in the metrics of a run in progress. */
export async function writeProgress(q: Queryable, runId: string, progress: Record<string, unknown>): Promise<void> {
  await q.query(`update flow_runs set metrics = jsonb_build_object('progress', $1::jsonb) where id = $2 and status = 'inProgress'`, [
    JSON.stringify(progress),
    runId,
  ]);
}

/** Ends a run this attempt owns: `success`, `partialSuccess` or `failed`. */
export async function finishRun(
  q: Queryable,
  run: RunAttempt,
  status: 'success' | 'partialSuccess' | 'failed',
  outcome: { completedAt: Date; metrics?: Record<string, unknown>; errors: RunError[]; batchId?: string | null },
): Promise<boolean> {
  const rows = await moveRuns(q, status, {
    set: `completed_at = $3, errors = $4::jsonb, etag = gen_random_uuid()${outcome.metrics ? ', metrics = $7::jsonb' : ''}${
      outcome.batchId !== undefined ? `, batch_id = $${outcome.metrics ? 8 : 7}` : ''
    }`,
    where: 'id = $5 and attempt = $6',
    // Serialized here: node-postgres sends a JavaScript array as a PostgreSQL array, which jsonb refuses (22P02).
    params: [
      outcome.completedAt,
      JSON.stringify(outcome.errors),
      run.id,
      run.attempt,
      ...(outcome.metrics ? [JSON.stringify(outcome.metrics)] : []),
      ...(outcome.batchId !== undefined ? [outcome.batchId] : []),
    ],
    returning: 'id',
  });
  return rows.length > 0;
}

/** Hands a run back (its worker stopped at shutdown): pending again, with no batch, for a job to take it anew. */
export async function handBackRun(q: Queryable, run: RunAttempt): Promise<void> {
  await moveRuns(q, 'pending', {
    set: `started_at = null, batch_id = null, attempt = null, metrics = '{}'::jsonb`,
    where: 'id = $3 and attempt = $4',
    params: [run.id, run.attempt],
  });
}

/** Fails the runs in progress whose worker has been silent for `silentSeconds`. */
export async function failSilentRuns(
  q: Queryable,
  silentSeconds: number,
  error: RunError,
): Promise<Array<{ id: string; org_id: string; sandbox_id: string; batch_id: string | null }>> {
  return moveRuns(q, 'failed', {
    set: `completed_at = now(), etag = gen_random_uuid(), errors = $3::jsonb`,
    where: 'heartbeat_at < now() - make_interval(secs => $4)',
    params: [JSON.stringify([error]), silentSeconds],
    returning: 'id, org_id, sandbox_id, batch_id',
  });
}

/** Fails every run in progress (the embedded process restarted: none of them has a worker any more). */
export async function failAllInProgress(q: Queryable, error: RunError): Promise<string[]> {
  const rows = await moveRuns<{ id: string }>(q, 'failed', {
    set: `completed_at = now(), etag = gen_random_uuid(), errors = $3::jsonb`,
    where: `status = 'inProgress'`,
    params: [JSON.stringify([error])],
    returning: 'id',
  });
  return rows.map((r) => String(r.id));
}

/** How many runs are in each status (the metrics endpoint's gauge). */
export async function countRunsByStatus(q: Queryable): Promise<Array<{ status: string; n: number }>> {
  return q.query<{ status: string; n: number }>('select status, count(*)::int as n from flow_runs group by status');
}

/** Records and bytes summed over every finished run (the metrics endpoint's counters). */
export async function finishedRunTotals(q: Queryable): Promise<Record<string, string | number | null>> {
  return (
    await q.query<Record<string, string | number | null>>(
      `select coalesce(sum((metrics->'recordSummary'->>'inputRecordCount')::bigint), 0)::float8 as input,
              coalesce(sum((metrics->'recordSummary'->>'outputRecordCount')::bigint), 0)::float8 as output,
              coalesce(sum((metrics->'recordSummary'->>'failedRecordCount')::bigint), 0)::float8 as failed,
              coalesce(sum((metrics->'sizeSummary'->>'inputBytes')::bigint), 0)::float8 as input_bytes,
              coalesce(sum((metrics->'sizeSummary'->>'outputBytes')::bigint), 0)::float8 as output_bytes
       from flow_runs where status = any($1::text[]) and status <> 'cancelled'`,
      [FINAL_RUN_STATUSES],
    )
  )[0]!;
}
