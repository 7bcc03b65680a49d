import type { Db, Queryable } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import { RUN_QUEUE, type RunJobs } from './run-job.js';
import type { Scope } from '../scope.js';
import { invalid, notFound } from '../errors.js';
import { serviceError } from '../error-codes.js';
import * as runs from './runs.repo.js';
import type { RunRow } from './runs.repo.js';
import { applyListQuery, pageOf, parseListQuery, type Page } from './listing.js';
import { UUID, checkId, quoteEtag, requireObject, requireString } from './resource.js';
import { CLOUD_STORAGE_FLOW_SPEC_ID, STREAMING_FLOW_SPEC_ID } from './specs/flow-specs.js';

export type { RunStatus } from './run-states.js';
export type { RunRow } from './runs.repo.js';

const ms = (v: Date | string | null) => (v === null ? undefined : new Date(v).getTime());

/** Creates a pending run and its job in one transaction, so a run is never left without a job nor a job without its run. */
export async function createRun(tx: Queryable, queue: JobQueue<RunJobs>, run: runs.NewRun): Promise<string> {
  const id = await runs.insertRun(tx, run);
  await queue.enqueue(RUN_QUEUE, { runId: id }, { tx, singletonKey: id });
  return id;
}

/** Flow runs: read with their metrics, started by hand for `once` flows, re-triggered when failed. */
export class RunsService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue<RunJobs>,
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
      flowSpec: { id: (row as { stream_window?: unknown }).stream_window ? STREAMING_FLOW_SPEC_ID : CLOUD_STORAGE_FLOW_SPEC_ID, version: '1.0' },
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
    const row = await runs.findScopedRun(this.db, scope, checkId(id, 'Run'));
    if (!row) throw serviceError('runNotFound', `Run ${id} not found`);
    return row;
  }

  async get(scope: Scope, id: string): Promise<Record<string, unknown>> {
    return this.render(await this.row(scope, id), scope);
  }

  async list(scope: Scope, query: Record<string, unknown>, nextHref: (token: string) => string): Promise<Page<Record<string, unknown>>> {
    const parsed = parseListQuery(query);
    // The common filter, flowId==…, narrows in SQL; every other filter applies to the rendered runs.
    const flowFilter = parsed.filters.find((f) => f.path.join('.') === 'flowId' && f.op === '==');
    if (flowFilter && !UUID.test(flowFilter.value)) return applyListQuery([], parsed, nextHref);
    const filter = { orgId: scope.orgId, sandboxId: scope.sandboxId, ...(flowFilter ? { flowId: flowFilter.value } : {}) };
    if (parsed.orderBy === null && parsed.filters.every((f) => f === flowFilter)) {
      // Nothing left for JavaScript to decide: the database pages too, so a flow's long history is never read whole
      // (clients poll this list while they wait for a run).
      const rows = await runs.listRuns(this.db, filter, { limit: parsed.limit + 1, offset: parsed.offset });
      const total = parsed.count ? await runs.countRuns(this.db, filter) : undefined;
      return pageOf(
        rows.map((r) => this.render(r, scope)),
        parsed,
        nextHref,
        total,
      );
    }
    const rows = await runs.listRuns(this.db, filter);
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
    if (!flow.doc.scheduleParams) throw serviceError('streamingFlowRunRefused', 'a streaming flow runs continuously while enabled; it takes no runs');
    if ((flow.doc.scheduleParams?.frequency ?? 'once') !== 'once') throw invalid('on-demand runs are only for flows scheduled "once"');
    const params = (input.params ?? {}) as Record<string, unknown>;
    const windowEnd = params.windowEndTime !== undefined ? new Date(Number(params.windowEndTime)) : new Date();
    if (Number.isNaN(windowEnd.getTime())) throw invalid('params.windowEndTime must be epoch milliseconds');
    const id = await this.db.transaction((tx) =>
      createRun(tx, this.queue, { flowId, orgId: scope.orgId, sandboxId: scope.sandboxId, windowStart: null, windowEnd, clientId: scope.clientId }),
    );
    return { id, etag: quoteEtag((await this.row(scope, id)).etag) };
  }

  /**
   * `POST /runs/{id}/action?op=RE_TRIGGER`: runs a failed (or partly failed) run's window again, as a new
   * run that also takes again the files this run failed on — even those whose content failed, which no
   * other run takes until they change.
   */
  async action(scope: Scope, id: string, op: string): Promise<{ id: string; etag: string }> {
    if (op.toUpperCase() !== 'RE_TRIGGER') throw serviceError('runActionUnknown', `op must be RE_TRIGGER; got "${op}"`);
    const row = await this.row(scope, id);
    if (row.status !== 'failed' && row.status !== 'partialSuccess') {
      throw serviceError('runNotRetriggerable', `only a failed or partly failed run can be re-triggered; this one is ${row.status}`);
    }
    if ((row as { stream_window?: unknown }).stream_window) {
      // Its records were consumed (the failed ones are row errors of their batches): the stream has no window to read again.
      throw serviceError('streamingFlowRunRefused', 'the runs of a streaming flow sum up its micro-batches; they cannot be re-triggered');
    }
    const newId = await this.db.transaction((tx) =>
      createRun(tx, this.queue, {
        flowId: row.flow_id,
        orgId: row.org_id,
        sandboxId: row.sandbox_id,
        windowStart: row.window_start ? new Date(row.window_start) : null,
        windowEnd: new Date(row.window_end),
        clientId: scope.clientId,
        retryOf: row.id,
        retakeFailedOf: row.id,
      }),
    );
    return { id: newId, etag: quoteEtag((await this.row(scope, newId)).etag) };
  }
}
