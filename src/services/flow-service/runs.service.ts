import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import { RUN_QUEUE } from '../../store/queue.js';
import type { Scope } from '../scope.js';
import { conflict, invalid, notFound } from '../errors.js';
import { applyListQuery, pageOf, parseListQuery, type Page } from './listing.js';
import { UUID, checkId, quoteEtag, requireObject, requireString } from './resource.js';
import { CLOUD_STORAGE_FLOW_SPEC_ID } from './specs/flow-specs.js';

export type RunStatus = 'pending' | 'inProgress' | 'success' | 'partialSuccess' | 'failed' | 'cancelled';

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
  etag: string;
  created_client: string;
  created_at: Date | string;
  updated_at: Date | string;
}

const ms = (v: Date | string | null) => (v === null ? undefined : new Date(v).getTime());

/** Creates a pending run and its job in one transaction, so a run is never left without a job nor a job without its run. */
export async function createRun(
  tx: Queryable,
  queue: JobQueue,
  run: { flowId: string; orgId: string; sandboxId: string; windowStart: Date | null; windowEnd: Date; clientId: string; retryOf?: string },
): Promise<string> {
  const id = randomUUID();
  await tx.query(
    `insert into flow_runs (id, flow_id, org_id, sandbox_id, status, window_start, window_end, retry_of, etag, created_client)
     values ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9)`,
    [id, run.flowId, run.orgId, run.sandboxId, run.windowStart, run.windowEnd, run.retryOf ?? null, randomUUID(), run.clientId],
  );
  await queue.enqueue(RUN_QUEUE, { runId: id }, { tx, singletonKey: id });
  return id;
}

/** Flow runs: read with their metrics, started by hand for `once` flows, re-triggered when failed. */
export class RunsService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
  ) {}

  render(row: RunRow, scope: Scope): Record<string, unknown> {
    const metrics = {
      durationSummary: { startedAtUTC: ms(row.started_at), completedAtUTC: ms(row.completed_at) },
      sizeSummary: { inputBytes: 0, outputBytes: 0 },
      recordSummary: { inputRecordCount: 0, createdRecordCount: 0, outputRecordCount: 0, failedRecordCount: 0, skippedRecordCount: 0 },
      fileSummary: { inputFileCount: 0, outputFileCount: 0, skippedFileCount: 0, failedFileCount: 0 },
      ...row.metrics,
      statusSummary: {
        status: row.status,
        ...(row.errors.length ? { errors: row.errors, extensions: { errors: row.errors } } : {}),
      },
    };
    const activity = {
      id: row.id,
      name: 'Copy Activity',
      updatedAtUTC: ms(row.updated_at),
      durationSummary: metrics.durationSummary,
      sizeSummary: metrics.sizeSummary,
      recordSummary: metrics.recordSummary,
      fileSummary: metrics.fileSummary,
      statusSummary: metrics.statusSummary,
    };
    return {
      id: row.id,
      createdAt: ms(row.created_at),
      updatedAt: ms(row.updated_at),
      createdBy: `${row.created_client}@AdobeID`,
      updatedBy: `${row.created_client}@AdobeID`,
      createdClient: row.created_client,
      updatedClient: row.created_client,
      sandboxId: scope.sandboxId,
      sandboxName: scope.sandboxName,
      imsOrgId: scope.orgId,
      flowId: row.flow_id,
      flowSpec: { id: CLOUD_STORAGE_FLOW_SPEC_ID, version: '1.0' },
      providerRefId: row.batch_id ?? '',
      etag: quoteEtag(row.etag),
      eTag: quoteEtag(row.etag),
      metrics,
      // The spec spells the list "activites"; the docs "activities": both are served.
      activities: [activity],
      activites: [activity],
      ...(row.batch_id ? { batchId: row.batch_id } : {}),
      windowStartTime: ms(row.window_start),
      windowEndTime: ms(row.window_end),
    };
  }

  private async row(scope: Scope, id: string): Promise<RunRow> {
    const rows = await this.db.query<RunRow>('select * from flow_runs where id = $1 and org_id = $2 and sandbox_id = $3', [
      checkId(id, 'Run'),
      scope.orgId,
      scope.sandboxId,
    ]);
    if (!rows[0]) throw notFound(`Run ${id} not found`, 'FLOW-1004');
    return rows[0];
  }

  async get(scope: Scope, id: string): Promise<Record<string, unknown>> {
    return this.render(await this.row(scope, id), scope);
  }

  async list(scope: Scope, query: Record<string, unknown>, nextHref: (token: string) => string): Promise<Page<Record<string, unknown>>> {
    const parsed = parseListQuery(query);
    // The common filter, flowId==…, narrows in SQL; every other filter applies to the rendered runs.
    const flowFilter = parsed.filters.find((f) => f.path.join('.') === 'flowId' && f.op === '==');
    if (flowFilter && !UUID.test(flowFilter.value)) return applyListQuery([], parsed, nextHref);
    const where = `where org_id = $1 and sandbox_id = $2 ${flowFilter ? 'and flow_id = $3::uuid' : ''}`;
    const params = [scope.orgId, scope.sandboxId, ...(flowFilter ? [flowFilter.value] : [])];
    const newestFirst = 'order by created_at desc, id desc';
    if (parsed.orderBy === null && parsed.filters.every((f) => f === flowFilter)) {
      // Nothing left for JavaScript to decide: the database pages too, so a flow's long history is never read whole
      // (clients poll this list while they wait for a run).
      const rows = await this.db.query<RunRow>(
        `select * from flow_runs ${where} ${newestFirst} limit ${parsed.limit + 1} offset ${parsed.offset}`,
        params,
      );
      const total = parsed.count
        ? Number((await this.db.query<{ n: string | number }>(`select count(*) as n from flow_runs ${where}`, params))[0]!.n)
        : undefined;
      return pageOf(
        rows.map((r) => this.render(r, scope)),
        parsed,
        nextHref,
        total,
      );
    }
    const rows = await this.db.query<RunRow>(`select * from flow_runs ${where} ${newestFirst}`, params);
    return applyListQuery(
      rows.map((r) => this.render(r, scope)),
      parsed,
      nextHref,
    );
  }

  /** `POST /runs`: an on-demand run of a flow scheduled `once`. */
  async create(scope: Scope, body: unknown): Promise<{ id: string; etag: string }> {
    const input = requireObject(body, 'body');
    const flowId = checkId(requireString(input.flowId, 'flowId'), 'Flow');
    const flow = (
      await this.db.query<{ doc: { scheduleParams?: { frequency?: string } }; state: string }>(
        'select doc, state from flows where id = $1 and org_id = $2 and sandbox_id = $3',
        [flowId, scope.orgId, scope.sandboxId],
      )
    )[0];
    if (!flow) throw notFound(`Flow ${flowId} not found`, 'FLOW-1004');
    if ((flow.doc.scheduleParams?.frequency ?? 'once') !== 'once') throw invalid('on-demand runs are only for flows scheduled "once"');
    const params = (input.params ?? {}) as Record<string, unknown>;
    const windowEnd = params.windowEndTime !== undefined ? new Date(Number(params.windowEndTime)) : new Date();
    if (Number.isNaN(windowEnd.getTime())) throw invalid('params.windowEndTime must be epoch milliseconds');
    const id = await this.db.transaction((tx) =>
      createRun(tx, this.queue, { flowId, orgId: scope.orgId, sandboxId: scope.sandboxId, windowStart: null, windowEnd, clientId: scope.clientId }),
    );
    return { id, etag: quoteEtag((await this.row(scope, id)).etag) };
  }

  /** `POST /runs/{id}/action?op=RE_TRIGGER`: runs a failed run's window again, as a new run. */
  async action(scope: Scope, id: string, op: string): Promise<{ id: string; etag: string }> {
    if (op.toUpperCase() !== 'RE_TRIGGER') throw invalid(`op must be RE_TRIGGER; got "${op}"`);
    const row = await this.row(scope, id);
    if (row.status !== 'failed') throw conflict(`only a failed run can be re-triggered; this one is ${row.status}`, 'FLOW-1011');
    const newId = await this.db.transaction((tx) =>
      createRun(tx, this.queue, {
        flowId: row.flow_id,
        orgId: row.org_id,
        sandboxId: row.sandbox_id,
        windowStart: row.window_start ? new Date(row.window_start) : null,
        windowEnd: new Date(row.window_end),
        clientId: scope.clientId,
        retryOf: row.id,
      }),
    );
    return { id: newId, etag: quoteEtag((await this.row(scope, newId)).etag) };
  }
}
