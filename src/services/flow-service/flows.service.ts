import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { conflict, invalid, notFound } from '../errors.js';
import { applyListQuery, parseListQuery, type Page } from './listing.js';
import {
  checkId,
  checkIfMatch,
  newEtag,
  optionalString,
  quoteEtag,
  renderResource,
  requireObject,
  requireString,
  type ResourceRow,
} from './resource.js';
import { patchDocument } from './json-patch.js';
import { booleanish, firstRunAt, parseSchedule, renderSchedule, type Schedule } from './schedule.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import { isStreamingFlowSpec, type FlowSpec } from './specs/flow-specs.js';
import { flowHasOpenRun, flowHasRun, latestRunOf } from './runs.repo.js';
import type { DataPrepPort } from './ports.js';
import { announceScheduleChange } from './schedule-wakeup.js';

interface FlowRow extends ResourceRow {
  state: 'enabled' | 'disabled';
  next_run_at: Date | string | null;
  last_operation: Record<string, unknown>;
}

/** The parts of a flow a run needs. */
export interface FlowPlan {
  id: string;
  orgId: string;
  sandboxId: string;
  state: 'enabled' | 'disabled';
  schedule: Schedule;
  sourceConnectionId: string;
  targetConnectionId: string;
  mapping: { id: string; version: number | undefined } | null;
  /** The flow's own partial ingestion threshold; when unset the dataset's tag applies. */
  partialIngestionPercent: number | undefined;
  createdAt: number;
  /** A streaming flow: consumed continuously by the stream runner, never run by the scheduler. */
  streaming: boolean;
}

/**
 * A flow's `options`: `partialIngestionPercent` (0–100, numbers sent as strings accepted) lets up to that
 * share of records fail while the rest land; `errorDiagnosticsEnabled` is kept (row errors are always kept).
 */
function parseFlowOptions(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const options = { ...requireObject(raw, 'options') };
  if (options.partialIngestionPercent !== undefined) {
    const percent = Number(options.partialIngestionPercent);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw invalid('options.partialIngestionPercent must be a number from 0 to 100');
    options.partialIngestionPercent = percent;
  }
  if (options.errorDiagnosticsEnabled !== undefined)
    options.errorDiagnosticsEnabled = booleanish(options.errorDiagnosticsEnabled, 'options.errorDiagnosticsEnabled', true);
  return options;
}

const ms = (v: Date | string | null) => (v === null ? undefined : new Date(v).getTime());

/** Dataflows: a source, a target, a mapping and a schedule. */
/**
 * A Mapping transformation's `mappingVersion` is a string in TransformationSpecDTO and in the tutorial ("0"); a
 * number is accepted on the way in and answered as the string.
 */
function mappingVersionsAsText(transformations: unknown): unknown {
  if (!Array.isArray(transformations)) return transformations;
  return transformations.map((t: { name?: unknown; params?: Record<string, unknown> }) =>
    t?.name === 'Mapping' && typeof t.params?.mappingVersion === 'number'
      ? { ...t, params: { ...t.params, mappingVersion: String(t.params.mappingVersion) } }
      : t,
  );
}

export class FlowsService {
  constructor(
    private readonly db: Db,
    private readonly specs: FlowSpec[],
    private readonly endpoints: EndpointConnectionsService,
    private readonly dataPrep: DataPrepPort,
  ) {}

  private async normalise(scope: Scope, input: Record<string, unknown>) {
    const flowSpecRef = requireObject(input.flowSpec, 'flowSpec');
    const spec = this.specs.find((s) => s.id === flowSpecRef.id);
    if (!spec) throw invalid(`flowSpec.id ${String(flowSpecRef.id)} is not a flow spec of this platform`);
    const sources = input.sourceConnectionIds;
    const targets = input.targetConnectionIds;
    if (!Array.isArray(sources) || sources.length !== 1) throw invalid('sourceConnectionIds must list exactly one source connection');
    if (!Array.isArray(targets) || targets.length !== 1) throw invalid('targetConnectionIds must list exactly one target connection');
    const sourceId = String(sources[0]);
    const targetId = String(targets[0]);
    if (!(await this.endpoints.exists(scope, 'source', sourceId))) throw invalid(`source connection ${sourceId} does not exist in this sandbox`);
    if (!(await this.endpoints.exists(scope, 'target', targetId))) throw invalid(`target connection ${targetId} does not exist in this sandbox`);
    const source = await this.endpoints.get(scope, 'source', sourceId);
    const sourceSpecId = (source.connectionSpec as { id: string }).id;
    if (!spec.sourceConnectionSpecIds.includes(sourceSpecId)) throw invalid(`flow spec ${spec.name} does not accept sources of spec ${sourceSpecId}`);
    const transformations = input.transformations === undefined ? [] : input.transformations;
    if (!Array.isArray(transformations)) throw invalid('transformations must be an array');
    for (const t of transformations) {
      const transformation = requireObject(t, 'transformations[]');
      if (transformation.name !== 'Mapping') continue;
      const params = requireObject(transformation.params, 'transformations[].params');
      const mappingId = requireString(params.mappingId, 'transformations[].params.mappingId');
      const version = params.mappingVersion === undefined ? undefined : Number(params.mappingVersion);
      if (version !== undefined && !Number.isInteger(version)) throw invalid('mappingVersion must be an integer');
      await this.dataPrep.getMappings(scope, mappingId, version).catch(() => {
        throw invalid(`mapping set ${mappingId}${version !== undefined ? ` version ${version}` : ''} does not exist in this sandbox`);
      });
    }
    const streaming = isStreamingFlowSpec(spec);
    if (streaming && input.scheduleParams !== undefined && input.scheduleParams !== null)
      throw invalid(`flow spec ${spec.name} runs continuously; it takes no scheduleParams`);
    const schedule = parseSchedule(input.scheduleParams);
    const options = parseFlowOptions(input.options);
    const doc = {
      name: requireString(input.name, 'name'),
      description: optionalString(input.description, 'description') ?? '',
      flowSpec: { id: spec.id, version: String(flowSpecRef.version ?? spec.version) },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      transformations,
      ...(streaming ? {} : { scheduleParams: renderSchedule(schedule) }),
      ...(options ? { options } : {}),
    };
    return { doc, schedule, streaming };
  }

  async create(scope: Scope, body: unknown): Promise<{ id: string; etag: string }> {
    const { doc, schedule, streaming } = await this.normalise(scope, requireObject(body, 'body'));
    const id = randomUUID();
    const etag = newEtag();
    const now = Date.now();
    await this.db.query(
      `insert into flows (id, org_id, sandbox_id, doc, state, next_run_at, last_operation, etag, created_client, updated_client)
       values ($1, $2, $3, $4, 'enabled', $5, $6, $7, $8, $8)`,
      [
        id,
        scope.orgId,
        scope.sandboxId,
        doc,
        // A streaming flow has no scheduled runs: the stream runner consumes it while it is enabled.
        streaming ? null : new Date(firstRunAt(schedule, now)),
        { started: now, updated: 0, operation: 'create' },
        etag,
        scope.clientId,
      ],
    );
    // A first slot already due (no start time, or one in the past) starts now rather than at the next tick.
    await announceScheduleChange(this.db);
    return { id, etag: quoteEtag(etag) };
  }

  private async row(scope: Scope, id: string): Promise<FlowRow> {
    const rows = await this.db.query<FlowRow>('select * from flows where id = $1 and org_id = $2 and sandbox_id = $3', [
      checkId(id, 'Flow'),
      scope.orgId,
      scope.sandboxId,
    ]);
    if (!rows[0]) throw notFound(`Flow ${id} not found`, 'FLOW-1004');
    return rows[0];
  }

  private async render(scope: Scope, row: FlowRow): Promise<Record<string, unknown>> {
    const last = await latestRunOf(this.db, row.id);
    const sourceIds = row.doc.sourceConnectionIds as string[];
    const targetIds = row.doc.targetConnectionIds as string[];
    const inherited = async (role: 'source' | 'target', ids: string[]) =>
      Promise.all(
        ids.map(async (id) => {
          const c = await this.endpoints.get(scope, role, id).catch(() => null);
          return c ? { id, connectionSpec: c.connectionSpec, ...(c.baseConnectionId ? { baseConnection: { id: c.baseConnectionId } } : {}) } : { id };
        }),
      );
    return {
      ...renderResource(row, scope),
      transformations: mappingVersionsAsText(row.doc.transformations),
      inheritedAttributes: { sourceConnections: await inherited('source', sourceIds), targetConnections: await inherited('target', targetIds) },
      runs: `/runs?property=flowId==${row.id}`,
      lastOperation: row.last_operation,
      ...(last
        ? { lastRunDetails: { id: last.id, state: last.status, startedAtUTC: ms(last.started_at), completedAtUTC: ms(last.completed_at) } }
        : {}),
    };
  }

  async get(scope: Scope, id: string): Promise<Record<string, unknown>> {
    return this.render(scope, await this.row(scope, id));
  }

  async list(scope: Scope, query: Record<string, unknown>, nextHref: (token: string) => string): Promise<Page<Record<string, unknown>>> {
    const parsed = parseListQuery(query);
    const rows = await this.db.query<FlowRow>('select * from flows where org_id = $1 and sandbox_id = $2 order by created_at', [
      scope.orgId,
      scope.sandboxId,
    ]);
    const items = await Promise.all(rows.map((r) => this.render(scope, r)));
    return applyListQuery(items, parsed, nextHref);
  }

  private async update(
    scope: Scope,
    row: FlowRow,
    changes: { doc?: Record<string, unknown>; state?: string; nextRunAt?: Date | null; operation: string },
  ) {
    const etag = newEtag();
    const lastOperation = { started: Date.now(), updated: Number(row.last_operation.updated ?? 0) + 1, operation: changes.operation };
    const updated = await this.db.query(
      `update flows set doc = $1, state = $2, next_run_at = $3, last_operation = $4, etag = $5, updated_client = $6, updated_at = now()
       where id = $7 and etag = $8 returning id`,
      [
        changes.doc ?? row.doc,
        changes.state ?? row.state,
        changes.nextRunAt === undefined ? row.next_run_at : changes.nextRunAt,
        lastOperation,
        etag,
        scope.clientId,
        row.id,
        row.etag,
      ],
    );
    if (updated.length === 0) throw conflict('The flow changed meanwhile; read it again and retry', 'FLOW-1012');
    if (changes.nextRunAt) await announceScheduleChange(this.db);
    return { id: row.id, etag: quoteEtag(etag) };
  }

  async patch(scope: Scope, id: string, ifMatch: string | undefined, body: unknown): Promise<{ id: string; etag: string }> {
    const row = await this.row(scope, id);
    checkIfMatch(ifMatch, row.etag, true);
    const patched = patchDocument(row.doc, body, ['/name', '/description', '/scheduleParams', '/transformations', '/options']);
    const { doc, schedule, streaming } = await this.normalise(scope, patched);
    const scheduleChanged = JSON.stringify(doc.scheduleParams) !== JSON.stringify(row.doc.scheduleParams);
    return this.update(scope, row, {
      doc,
      operation: 'update',
      ...(scheduleChanged && row.state === 'enabled' && !streaming ? { nextRunAt: new Date(firstRunAt(schedule, Date.now())) } : {}),
    });
  }

  /** `POST /flows/{id}/action?op=ENABLE|DISABLE`. */
  async action(scope: Scope, id: string, op: string, ifMatch: string | undefined): Promise<{ id: string; etag: string }> {
    const row = await this.row(scope, id);
    checkIfMatch(ifMatch, row.etag, false);
    switch (op.toUpperCase()) {
      case 'ENABLE': {
        const schedule = parseSchedule(row.doc.scheduleParams);
        // A `once` flow that already ran stays done: enabling it again must not start a second run.
        const ranOnce = schedule.frequency === 'once' && (await flowHasRun(this.db, row.id));
        const nextRunAt = ranOnce || this.isStreaming(row) ? null : new Date(firstRunAt(schedule, Date.now()));
        return this.update(scope, row, { state: 'enabled', nextRunAt, operation: 'enable' });
      }
      case 'DISABLE':
        return this.update(scope, row, { state: 'disabled', nextRunAt: null, operation: 'disable' });
      default:
        throw invalid(`op must be ENABLE or DISABLE; got "${op}"`);
    }
  }

  async delete(scope: Scope, id: string): Promise<void> {
    const row = await this.row(scope, id);
    if (await flowHasOpenRun(this.db, row.id)) throw conflict('The flow has a run in progress; disable it and retry once the run ends', 'FLOW-1010');
    await this.db.query('delete from flows where id = $1', [row.id]);
  }

  private isStreaming(row: FlowRow): boolean {
    const spec = this.specs.find((s) => s.id === (row.doc.flowSpec as { id?: string } | undefined)?.id);
    return spec !== undefined && isStreamingFlowSpec(spec);
  }

  /** The ids of the enabled streaming flows, for the stream runner. */
  async enabledStreamingFlows(): Promise<string[]> {
    const ids = this.specs.filter(isStreamingFlowSpec).map((s) => s.id);
    if (ids.length === 0) return [];
    const rows = await this.db.query<{ id: string }>(
      "select id from flows where state = 'enabled' and doc->'flowSpec'->>'id' = any($1::text[]) order by created_at",
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** The flow as the run executor reads it, found by id alone (the job carries no scope). */
  async plan(flowId: string): Promise<FlowPlan | null> {
    const row = (await this.db.query<FlowRow & { org_id: string; sandbox_id: string }>('select * from flows where id = $1', [flowId]))[0];
    if (!row) return null;
    const mapping = (row.doc.transformations as Array<{ name: string; params?: Record<string, unknown> }>).find((t) => t.name === 'Mapping');
    return {
      id: row.id,
      orgId: row.org_id,
      sandboxId: row.sandbox_id,
      state: row.state,
      schedule: parseSchedule(row.doc.scheduleParams),
      sourceConnectionId: (row.doc.sourceConnectionIds as string[])[0]!,
      targetConnectionId: (row.doc.targetConnectionIds as string[])[0]!,
      mapping: mapping?.params
        ? {
            id: String(mapping.params.mappingId),
            version: mapping.params.mappingVersion === undefined ? undefined : Number(mapping.params.mappingVersion),
          }
        : null,
      partialIngestionPercent: (row.doc.options as { partialIngestionPercent?: number } | undefined)?.partialIngestionPercent,
      createdAt: new Date(row.created_at).getTime(),
      streaming: this.isStreaming(row),
    };
  }
}
