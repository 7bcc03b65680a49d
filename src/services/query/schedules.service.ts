import { randomBytes, randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import { serviceError } from '../error-codes.js';
import { ServiceError } from '../errors.js';
import type { Scope } from '../scope.js';
import { parseCadence } from './cron.js';
import { type FilterDef, type RawListQuery, pageOf, parseListParams } from './list-params.js';
import type { QueryService } from './query.service.js';
import { SCHEDULED_QUERY_QUEUE, type ScheduledQueryJobs } from './schedule-job.js';
import * as repo from './schedules.repo.js';
import { classifyStatement } from './statement.js';

const BASE = '/data/foundation/query';

type Link = { href: string; method: string; body?: string };

export interface ScheduleView {
  id: string;
  state: repo.ScheduleState;
  query: Record<string, unknown>;
  schedule: { schedule: string; startDate: string; endDate?: string; maxActiveRuns: number };
  userId: string;
  updatedUserId: string;
  created: string;
  updated: string;
  version: number;
  _links: Record<string, Link>;
}

export interface ScheduleRunView {
  id: string;
  scheduleId: string;
  state: repo.RunState;
  externalTrigger: boolean;
  created: string;
  queryId?: string;
  startDate?: string;
  endDate?: string;
  errors: Array<{ code: string; message: string }>;
  version: number;
  _links: Record<string, Link>;
}

const SCHEDULE_FILTERS: Record<string, FilterDef> = {
  created: { column: 'created_at', kind: 'time', ops: ['>', '<', '>=', '<='] },
  templateId: { column: "(query->>'templateId')", kind: 'text', ops: ['=='] },
  userId: { column: 'client_id', kind: 'user', ops: ['=='] },
};
const RUN_FILTERS: Record<string, FilterDef> = {
  created: { column: 'created_at', kind: 'time', ops: ['>', '<', '>=', '<='] },
  state: { column: 'state', kind: 'text', ops: ['==', '!='] },
  externalTrigger: { column: 'external_trigger', kind: 'boolean', ops: ['=='] },
};

export interface QuerySchedulesDeps {
  db: Db;
  queue: Pick<JobQueue<ScheduledQueryJobs>, 'enqueue'>;
  query: QueryService;
  /** The scope a run acts in: the schedule's org and sandbox, as the client that made it. */
  scopeOf(orgId: string, sandboxId: string, clientId: string): Promise<Scope>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** AEP's run ids: the base64 of `scheduled__{slot}` (or `manual__{time}` for a trigger), URL-safe. */
const runId = (kind: 'scheduled' | 'manual', at: Date) =>
  Buffer.from(`${kind}__${at.toISOString()}${kind === 'manual' ? `_${randomBytes(3).toString('hex')}` : ''}`).toString('base64url');

/**
 * Scheduled queries (`/schedules`): a query definition (SQL or a template) run on a cron cadence from a start date
 * to an optional end date. `tick` (on the platform scheduler's tick) queues one run per due slot, at most
 * `maxActiveRuns` open at once (a slot that finds them all busy is skipped), each run a job on the job queue; the
 * worker submits its query as POST /queries would and ends the run with the query's outcome.
 */
export class QuerySchedulesService {
  constructor(private readonly deps: QuerySchedulesDeps) {}

  async create(scope: Scope, body: unknown): Promise<ScheduleView> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw serviceError('scheduleInvalid', 'the request body must be a JSON object: {"query": {…}, "schedule": {…}}');
    const { query, schedule } = body as { query?: unknown; schedule?: unknown };
    if (typeof query !== 'object' || query === null || Array.isArray(query))
      throw serviceError('scheduleInvalid', '"query" is required: {"sql": "…"}');
    if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule))
      throw serviceError('scheduleInvalid', '"schedule" is required: {"schedule": "<cron>", "startDate": "…"}');
    const s = schedule as Record<string, unknown>;
    const cadence = parseCadence(s.schedule);
    const startDate = dateField(s.startDate, 'schedule.startDate', true)!;
    const endDate = dateField(s.endDate, 'schedule.endDate', false);
    if (endDate && endDate <= startDate) throw serviceError('scheduleInvalid', '"schedule.endDate" must be after "schedule.startDate"');
    const maxActiveRuns = s.maxActiveRuns === undefined ? 1 : Number(s.maxActiveRuns);
    if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1 || maxActiveRuns > 10)
      throw serviceError('scheduleInvalid', '"schedule.maxActiveRuns" must be an integer from 1 to 10');
    // The definition is checked as a run would resolve it (its template exists, its SQL parses, no CREATE TABLE AS);
    // the definition itself is kept, so a template's later edits apply to later runs.
    const resolved = await this.deps.query.resolveDefinition(scope, query);
    await classifyStatement(resolved.insertInto?.select ?? resolved.sql);
    const id = randomUUID();
    const nextRunAt = cadence.nextAfter(new Date(Date.now() - 1), startDate, endDate);
    await repo.insertSchedule(this.deps.db, scope, {
      id,
      query: keptDefinition(query as Record<string, unknown>),
      cron: cadence.expression,
      startDate,
      endDate,
      maxActiveRuns,
      nextRunAt,
    });
    return this.get(scope, id);
  }

  async get(scope: Scope, id: string): Promise<ScheduleView> {
    return scheduleView(await this.row(scope, id));
  }

  async list(scope: Scope, query: RawListQuery) {
    const params = parseListParams(query, SCHEDULE_FILTERS);
    const schedules = (await repo.selectSchedules(this.deps.db, scope, params)).map(scheduleView);
    const field = params.column === 'created_at' ? 'created' : 'updated';
    return { schedules, ...pageOf(params, schedules.length, `${BASE}/schedules`, schedules[0]?.[field], schedules.at(-1)?.[field]), version: 2 };
  }

  /**
   * PATCH: AEP's guide sends `{"body": [{"op": "replace", "path": "/state", "value": "disable"}]}` (or the path
   * `/schedule/schedule` with a cron), its `_links` say `{"op": "enable"}`; a bare JSON Patch array is taken too.
   */
  async patch(scope: Scope, id: string, body: unknown): Promise<{ message: string; statusCode: number }> {
    const row = await this.row(scope, id);
    let state = row.state;
    let cron = row.cron;
    for (const op of patchOps(body)) {
      if (op.path === '/state') {
        const wanted = op.value === 'enable' ? 'ENABLED' : 'DISABLED';
        if (wanted === state) throw serviceError('scheduleStateUnchanged', `the schedule is already ${state}`);
        state = wanted;
      } else cron = parseCadence(op.value).expression;
    }
    // A schedule enabled again, or given a new cadence, goes on from now (slots missed while disabled are not run),
    // and never from before the last slot it ran.
    const last = await repo.lastSlot(this.deps.db, id);
    const from = new Date(Math.max(Date.now(), last?.getTime() ?? 0));
    const next = state === 'ENABLED' ? parseCadence(cron).nextAfter(from, row.start_date, row.end_date) : null;
    await repo.updateSchedule(this.deps.db, scope, id, { state, cron, nextRunAt: next });
    return { message: 'Request to patch accepted', statusCode: 202 };
  }

  /** Only a disabled schedule with no queued or running run can be deleted, as in AEP. */
  async remove(scope: Scope, id: string): Promise<{ message: string; statusCode: number }> {
    const row = await this.row(scope, id);
    if (row.state !== 'DISABLED') throw serviceError('scheduleNotDisabled', 'Please disable the schedule before requesting delete operation');
    if ((await repo.openRunCount(this.deps.db, id)) > 0)
      throw serviceError(
        'scheduleHasActiveRuns',
        'There are active run(s) for this schedule, please wait for completion before requesting delete operation',
      );
    await repo.deleteSchedule(this.deps.db, scope, id);
    return { message: 'Schedule deleted successfully', statusCode: 202 };
  }

  /** `POST /schedules/{id}/runs`: a run now, besides the cadence (an enabled schedule only). */
  async trigger(scope: Scope, id: string): Promise<{ message: string; statusCode: number; runId: string }> {
    const row = await this.row(scope, id);
    if (row.state !== 'ENABLED') throw serviceError('scheduleDisabled', 'Schedule is disabled. Immediate run cannot be triggered');
    const now = new Date();
    const run = runId('manual', now);
    await this.deps.db.transaction(async (tx) => {
      await repo.insertRun(tx, row, { id: run, externalTrigger: true, dueAt: now });
      await this.deps.queue.enqueue(SCHEDULED_QUERY_QUEUE, { scheduleId: row.id, runId: run }, { tx });
    });
    return { message: 'Request to trigger run of a scheduled query accepted.', statusCode: 202, runId: run };
  }

  async runs(scope: Scope, id: string, query: RawListQuery) {
    const row = await this.row(scope, id);
    const params = parseListParams(query, RUN_FILTERS);
    const runs = (await repo.selectRuns(this.deps.db, row.id, params)).map(runView);
    const href = `${BASE}/schedules/${encodeURIComponent(id)}/runs`;
    return { runsSchedules: runs, ...pageOf(params, runs.length, href, runs[0]?.created, runs.at(-1)?.created), version: 1 };
  }

  /** A run in detail: AEP's `taskStatusList` holds its one task, the query it submitted. */
  async run(scope: Scope, id: string, run: string) {
    const found = await this.runRow(scope, id, run);
    const view = runView(found);
    const task = found.query_id ? await this.deps.query.get(scope, found.query_id).catch(() => null) : null;
    return {
      ...view,
      taskStatusList: task
        ? [
            {
              taskId: task.id,
              state: task.state,
              startDate: view.startDate ?? view.created,
              ...(view.endDate ? { endDate: view.endDate } : {}),
              duration: Math.round(task.elapsedTime / 1000),
              message: task.errors.length
                ? task.errors.map((e) => e.message).join('; ')
                : task.state === 'SUCCESS'
                  ? 'Processed Successfully'
                  : task.state,
              rowCount: task.rowCount ?? 0,
            },
          ]
        : [],
    };
  }

  /** `PATCH /schedules/{id}/runs/{runId}` with `{"op": "cancel"}`: a queued run never starts, a running one's query is stopped. */
  async cancelRun(scope: Scope, id: string, run: string, body: unknown): Promise<{ message: string; statusCode: number }> {
    const op = (body as { op?: unknown } | null)?.op;
    if (typeof op !== 'string' || op.toLowerCase() !== 'cancel') throw serviceError('scheduleRunOpInvalid', 'the body must be {"op": "cancel"}');
    const found = await this.runRow(scope, id, run);
    if (!(await repo.endRun(this.deps.db, found.schedule_id, found.id, 'CANCELLED', [{ code: '57014', message: 'the run was cancelled' }])))
      throw serviceError('scheduleRunNotCancellable', `run ${run} is ${found.state}; only a queued or running run can be cancelled`);
    if (found.query_id) await this.stopQuery(scope, found.query_id);
    return { message: 'Request to cancel run of a scheduled query accepted', statusCode: 202 };
  }

  /**
   * The job of a run: submits its query, waits for it, and ends the run as the query ended. `signal` is the
   * process shutting down: the query is stopped and the run fails, saying why.
   */
  async execute(job: { scheduleId: string; runId: string }, signal?: AbortSignal): Promise<void> {
    const { db, query } = this.deps;
    const run = await repo.claimRun(db, job.scheduleId, job.runId);
    if (!run) return; // cancelled before it started, or already taken by an earlier attempt of the job
    const schedule = (await db.query<repo.ScheduleRow>('select * from query_schedules where id = $1', [run.schedule_id]))[0];
    if (!schedule) return;
    const scope = await this.deps.scopeOf(schedule.org_id, schedule.sandbox_id, schedule.client_id);
    let queryId: string;
    try {
      queryId = (await query.submit(scope, schedule.query, { scheduleId: schedule.id, runId: run.id })).id;
    } catch (error) {
      // The definition no longer resolves (its template was deleted, its dataset renamed…).
      const message = error instanceof ServiceError ? error.message : 'the query could not be submitted';
      if (!(error instanceof ServiceError)) this.deps.log?.('scheduled query run failed', { runId: run.id, error: String(error) });
      await repo.endRun(db, run.schedule_id, run.id, 'FAILED', [
        { code: error instanceof ServiceError ? (error.code ?? '42000') : 'XX000', message },
      ]);
      return;
    }
    if (!(await repo.setRunQuery(db, run.schedule_id, run.id, queryId))) {
      await this.stopQuery(scope, queryId); // cancelled while its query was being submitted
      return;
    }
    const onAbort = () => void this.stopQuery(scope, queryId);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      await query.settled(queryId);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      await repo.endRun(db, run.schedule_id, run.id, 'FAILED', [
        { code: '57P01', message: 'the process running this run shut down before its query ended; trigger it again' },
      ]);
      return;
    }
    const done = await query.get(scope, queryId);
    const state = done.state === 'SUCCESS' ? 'SUCCESS' : done.state === 'KILLED' ? 'CANCELLED' : 'FAILED';
    await repo.endRun(db, run.schedule_id, run.id, state, done.errors);
  }

  /**
   * Queues a run for every enabled schedule whose slot has come (`now`, a test may move the clock), moves the
   * schedule on to its next slot, and settles the runs whose query ended unheard. Returns how many runs were queued.
   */
  async tick(now = Date.now()): Promise<number> {
    const queued = await this.queueDue(now);
    await this.settleOrphanedRuns();
    return queued;
  }

  /** The runs whose query ended while no worker watched it take its outcome (the scheduler's upkeep). */
  async settleOrphanedRuns(): Promise<number> {
    return repo.settleOrphanedRuns(this.deps.db, 60_000);
  }

  /** The scheduler's tick: queues the runs of the schedules whose slot has come; returns how many. */
  async queueDue(now = Date.now()): Promise<number> {
    const at = new Date(now);
    // Most ticks find nothing due: one read says so, without the locking transaction.
    if (!(await repo.anyDueSchedule(this.deps.db, at))) return 0;
    return this.deps.db.transaction(async (tx) => {
      let count = 0;
      for (const schedule of await repo.lockDueSchedules(tx, at)) {
        const slot = new Date(schedule.next_run_at!);
        const next = parseCadence(schedule.cron).nextAfter(at, schedule.start_date, schedule.end_date);
        await repo.setNextRun(tx, schedule.id, next);
        // Every allowed run busy: this slot is skipped, as a flow's is, rather than piling up behind them.
        if ((await repo.openRunCount(tx, schedule.id)) >= schedule.max_active_runs) continue;
        if (await this.queueRun(tx, schedule, slot)) count += 1;
      }
      return count;
    });
  }

  async purgeSandbox(scope: Scope): Promise<void> {
    await repo.deleteSandboxSchedules(this.deps.db, scope);
  }

  private async queueRun(tx: Queryable, schedule: repo.ScheduleRow, slot: Date): Promise<boolean> {
    const id = runId('scheduled', slot);
    if (!(await repo.insertRun(tx, schedule, { id, externalTrigger: false, dueAt: slot }))) return false;
    await this.deps.queue.enqueue(SCHEDULED_QUERY_QUEUE, { scheduleId: schedule.id, runId: id }, { tx });
    return true;
  }

  private async stopQuery(scope: Scope, queryId: string): Promise<void> {
    await this.deps.query.cancel(scope, queryId, { op: 'cancel' }).catch(() => undefined); // it may have just ended
  }

  private async row(scope: Scope, id: string): Promise<repo.ScheduleRow> {
    const row = await repo.findSchedule(this.deps.db, scope, id);
    if (!row) throw serviceError('scheduleNotFound', `schedule "${id}" not found`);
    return row;
  }

  private async runRow(scope: Scope, id: string, run: string): Promise<repo.RunRow> {
    const schedule = await this.row(scope, id);
    const found = await repo.findRun(this.deps.db, schedule.id, run);
    if (!found) throw serviceError('scheduleRunNotFound', `run "${run}" of schedule "${id}" not found`);
    return found;
  }
}

function dateField(value: unknown, field: string, required: boolean): Date | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw serviceError('scheduleInvalid', `"${field}" is required (an ISO 8601 UTC timestamp)`);
    return null;
  }
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw serviceError('scheduleInvalid', `"${field}" must be an ISO 8601 timestamp`);
  return date;
}

/** What a schedule keeps of the query definition it was given: AEP's query_def fields only. */
function keptDefinition(query: Record<string, unknown>): Record<string, unknown> {
  const fields = ['dbName', 'sql', 'templateId', 'name', 'description', 'queryParameters', 'insertIntoParameters'];
  return Object.fromEntries(fields.filter((f) => query[f] !== undefined && query[f] !== null).map((f) => [f, query[f]]));
}

function patchOps(body: unknown): Array<{ path: '/state' | '/schedule/schedule'; value: string }> {
  const raw = body as Record<string, unknown> | unknown[] | null;
  let ops: unknown[];
  if (Array.isArray(raw)) ops = raw;
  else if (raw && Array.isArray(raw.body)) ops = raw.body;
  else if (raw && typeof raw.op === 'string' && ['enable', 'disable'].includes(raw.op.toLowerCase()))
    ops = [{ op: 'replace', path: '/state', value: raw.op.toLowerCase() }];
  else throw serviceError('schedulePatchInvalid', 'the body must be {"body": [{"op": "replace", "path": "/state", "value": "enable|disable"}]}');
  if (ops.length === 0) throw serviceError('schedulePatchInvalid', 'the patch holds no operation');
  return ops.map((entry, i) => {
    const op = entry as { op?: unknown; path?: unknown; value?: unknown };
    if (String(op.op ?? '').toLowerCase() !== 'replace') throw serviceError('schedulePatchInvalid', `operation ${i}: op must be "replace"`);
    if (op.path === '/state') {
      const value = String(op.value ?? '').toLowerCase();
      if (value !== 'enable' && value !== 'disable') throw serviceError('schedulePatchInvalid', `operation ${i}: /state takes "enable" or "disable"`);
      return { path: '/state', value };
    }
    if (op.path === '/schedule/schedule') return { path: '/schedule/schedule', value: String(op.value ?? '') };
    throw serviceError('schedulePatchInvalid', `operation ${i}: only /state and /schedule/schedule can be changed`);
  });
}

function scheduleView(row: repo.ScheduleRow): ScheduleView {
  const self = `${BASE}/schedules/${encodeURIComponent(row.id)}`;
  return {
    id: row.id,
    state: row.state,
    query: row.query,
    schedule: {
      schedule: row.cron,
      startDate: new Date(row.start_date).toISOString(),
      ...(row.end_date ? { endDate: new Date(row.end_date).toISOString() } : {}),
      maxActiveRuns: row.max_active_runs,
    },
    userId: `${row.client_id}@AdobeID`,
    updatedUserId: `${row.updated_client_id}@AdobeID`,
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
    version: 2,
    _links: {
      self: { href: self, method: 'GET' },
      enable: { href: self, method: 'PATCH', body: '{ "op": "enable" }' },
      disable: { href: self, method: 'PATCH', body: '{ "op": "disable" }' },
      delete: { href: self, method: 'DELETE' },
      runs: { href: `${self}/runs`, method: 'GET' },
      trigger: { href: `${self}/runs`, method: 'POST' },
    },
  };
}

function runView(row: repo.RunRow): ScheduleRunView {
  const self = `${BASE}/schedules/${encodeURIComponent(row.schedule_id)}/runs/${row.id}`;
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    state: row.state,
    externalTrigger: row.external_trigger,
    created: new Date(row.due_at).toISOString(),
    ...(row.query_id ? { queryId: row.query_id } : {}),
    ...(row.started_at ? { startDate: new Date(row.started_at).toISOString() } : {}),
    ...(row.completed_at ? { endDate: new Date(row.completed_at).toISOString() } : {}),
    errors: row.errors,
    version: 1,
    _links: {
      self: { href: self, method: 'GET' },
      cancel: { href: self, method: 'PATCH', body: '{ "op": "cancel" }' },
      ...(row.query_id ? { query: { href: `${BASE}/queries/${row.query_id}`, method: 'GET' } } : {}),
    },
  };
}
