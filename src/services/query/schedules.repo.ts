import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { type ListParams, listSql } from './list-params.js';

/** SQL for scheduled queries and their runs. */

export type ScheduleState = 'ENABLED' | 'DISABLED';
export type RunState = 'QUEUED' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCELLED';
export const OPEN_RUN_STATES: RunState[] = ['QUEUED', 'IN_PROGRESS'];

export interface ScheduleRow {
  id: string;
  org_id: string;
  sandbox_id: string;
  state: ScheduleState;
  query: Record<string, unknown>;
  cron: string;
  start_date: Date;
  end_date: Date | null;
  max_active_runs: number;
  next_run_at: Date | null;
  client_id: string;
  updated_client_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface RunRow {
  id: string;
  schedule_id: string;
  org_id: string;
  sandbox_id: string;
  state: RunState;
  external_trigger: boolean;
  due_at: Date;
  query_id: string | null;
  errors: Array<{ code: string; message: string }>;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export async function insertSchedule(
  db: Queryable,
  scope: Scope,
  s: { id: string; query: object; cron: string; startDate: Date; endDate: Date | null; maxActiveRuns: number; nextRunAt: Date | null },
): Promise<void> {
  await db.query(
    `insert into query_schedules (id, org_id, sandbox_id, state, query, cron, start_date, end_date, max_active_runs, next_run_at, client_id, updated_client_id)
     values ($1, $2, $3, 'ENABLED', $4::jsonb, $5, $6, $7, $8, $9, $10, $10)`,
    [s.id, scope.orgId, scope.sandboxId, JSON.stringify(s.query), s.cron, s.startDate, s.endDate, s.maxActiveRuns, s.nextRunAt, scope.clientId],
  );
}

export async function findSchedule(db: Queryable, scope: Scope, id: string): Promise<ScheduleRow | null> {
  const rows = await db.query<ScheduleRow>('select * from query_schedules where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows[0] ?? null;
}

export async function selectSchedules(db: Queryable, scope: Scope, params: ListParams): Promise<ScheduleRow[]> {
  const values: unknown[] = [scope.orgId, scope.sandboxId];
  const { where, orderBy, limitOffset } = listSql(params, values);
  return db.query<ScheduleRow>(`select * from query_schedules where org_id = $1 and sandbox_id = $2${where} ${orderBy} ${limitOffset}`, values);
}

export async function updateSchedule(
  db: Queryable,
  scope: Scope,
  id: string,
  change: { state: ScheduleState; cron: string; nextRunAt: Date | null },
): Promise<void> {
  await db.query(
    `update query_schedules set state = $4, cron = $5, next_run_at = $6, updated_client_id = $7, updated_at = now()
     where id = $1 and org_id = $2 and sandbox_id = $3`,
    [id, scope.orgId, scope.sandboxId, change.state, change.cron, change.nextRunAt, scope.clientId],
  );
}

export async function deleteSchedule(db: Queryable, scope: Scope, id: string): Promise<void> {
  await db.query('delete from query_schedules where id = $1 and org_id = $2 and sandbox_id = $3', [id, scope.orgId, scope.sandboxId]);
}

export async function openRunCount(db: Queryable, scheduleId: string): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `select count(*) as n from query_schedule_runs where schedule_id = $1 and state = any($2::text[])`,
    [scheduleId, OPEN_RUN_STATES],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The latest slot the schedule has run (or queued), so that a slot never runs twice. */
export async function lastSlot(db: Queryable, scheduleId: string): Promise<Date | null> {
  const rows = await db.query<{ at: Date | string | null }>(
    'select max(due_at) as at from query_schedule_runs where schedule_id = $1 and not external_trigger',
    [scheduleId],
  );
  const at = rows[0]?.at;
  return at === null || at === undefined ? null : new Date(at);
}

/** A new QUEUED run; a scheduled slot that already has its run gives none (false). */
export async function insertRun(
  db: Queryable,
  schedule: Pick<ScheduleRow, 'id' | 'org_id' | 'sandbox_id'>,
  run: { id: string; externalTrigger: boolean; dueAt: Date },
): Promise<boolean> {
  const rows = await db.query(
    `insert into query_schedule_runs (id, schedule_id, org_id, sandbox_id, state, external_trigger, due_at)
     values ($1, $2, $3, $4, 'QUEUED', $5, $6) on conflict do nothing returning id`,
    [run.id, schedule.id, schedule.org_id, schedule.sandbox_id, run.externalTrigger, run.dueAt],
  );
  return rows.length > 0;
}

export async function findRun(db: Queryable, scheduleId: string, runId: string): Promise<RunRow | null> {
  const rows = await db.query<RunRow>('select * from query_schedule_runs where schedule_id = $1 and id = $2', [scheduleId, runId]);
  return rows[0] ?? null;
}

export async function selectRuns(db: Queryable, scheduleId: string, params: ListParams): Promise<RunRow[]> {
  const values: unknown[] = [scheduleId];
  const { where, orderBy, limitOffset } = listSql(params, values);
  return db.query<RunRow>(`select * from query_schedule_runs where schedule_id = $1${where} ${orderBy} ${limitOffset}`, values);
}

/** QUEUED → IN_PROGRESS, for the worker that took the run's job; null when it is no longer queued (cancelled). */
export async function claimRun(db: Queryable, scheduleId: string, runId: string): Promise<RunRow | null> {
  const rows = await db.query<RunRow>(
    `update query_schedule_runs set state = 'IN_PROGRESS', started_at = now()
     where schedule_id = $1 and id = $2 and state = 'QUEUED' returning *`,
    [scheduleId, runId],
  );
  return rows[0] ?? null;
}

/** Notes the query a run submitted; false when the run stopped being in progress meanwhile (it was cancelled). */
export async function setRunQuery(db: Queryable, scheduleId: string, runId: string, queryId: string): Promise<boolean> {
  const rows = await db.query(
    `update query_schedule_runs set query_id = $3 where schedule_id = $1 and id = $2 and state = 'IN_PROGRESS' returning id`,
    [scheduleId, runId, queryId],
  );
  return rows.length > 0;
}

/** Ends an open run; a run that already ended (cancelled meanwhile) keeps its state. */
export async function endRun(
  db: Queryable,
  scheduleId: string,
  runId: string,
  state: 'SUCCESS' | 'FAILED' | 'CANCELLED',
  errors: Array<{ code: string; message: string }> = [],
): Promise<boolean> {
  const rows = await db.query(
    `update query_schedule_runs set state = $3, errors = $4::jsonb, completed_at = now()
     where schedule_id = $1 and id = $2 and state = any($5::text[]) returning id`,
    [scheduleId, runId, state, JSON.stringify(errors), OPEN_RUN_STATES],
  );
  return rows.length > 0;
}

/**
 * Runs left IN_PROGRESS by a worker that died after their query ended (start-up recovery fails such queries):
 * they take their query's outcome; those it left before submitting their query fail after ten minutes. Only queries that ended `graceMs` ago, so a live worker finishing a run is
 * never raced.
 */
export async function settleOrphanedRuns(db: Queryable, graceMs: number): Promise<number> {
  const rows = await db.query(
    `update query_schedule_runs r
       set state = case q.state when 'SUCCESS' then 'SUCCESS' when 'KILLED' then 'CANCELLED' else 'FAILED' end,
           errors = q.errors, completed_at = now()
     from queries q
     where r.query_id = q.id and r.state = 'IN_PROGRESS' and q.state in ('SUCCESS', 'FAILED', 'KILLED')
       and q.completed_at <= now() - make_interval(secs => $1::float8 / 1000)
     returning r.id`,
    [graceMs],
  );
  // A worker that died between taking a run and submitting its query left nothing to take the outcome of.
  const lost = await db.query(
    `update query_schedule_runs set state = 'FAILED', completed_at = now(),
       errors = '[{"code": "XX000", "message": "the worker running this run stopped before its query was submitted"}]'::jsonb
     where state = 'IN_PROGRESS' and query_id is null and started_at <= now() - make_interval(secs => $1::float8 / 1000)
     returning id`,
    [Math.max(graceMs, 10 * 60_000)],
  );
  return rows.length + lost.length;
}

/** Whether any enabled schedule's slot has come (read without locks: `lockDueSchedules` decides). */
export async function anyDueSchedule(db: Queryable, now: Date): Promise<boolean> {
  const rows = await db.query<{ due: boolean }>(
    `select exists (select 1 from query_schedules where state = 'ENABLED' and next_run_at is not null and next_run_at <= $1) as due`,
    [now],
  );
  return rows[0]?.due === true;
}

/** The enabled schedules whose slot has come, locked for this transaction (another scheduler skips them). */
export async function lockDueSchedules(tx: Queryable, now: Date): Promise<ScheduleRow[]> {
  return tx.query<ScheduleRow>(
    `select * from query_schedules where state = 'ENABLED' and next_run_at is not null and next_run_at <= $1
     order by next_run_at limit 20 for update skip locked`,
    [now],
  );
}

export async function setNextRun(tx: Queryable, id: string, next: Date | null): Promise<void> {
  await tx.query('update query_schedules set next_run_at = $2 where id = $1', [id, next]);
}

export async function deleteSandboxSchedules(db: Queryable, scope: Scope): Promise<void> {
  await db.query('delete from query_schedules where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}
