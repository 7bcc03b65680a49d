import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { SecretBox } from '../../security/secret-box.js';
import { streamingSources, type ConnectorRegistry, type ConnectionSpec } from '../../connectors/index.js';
import type { IdentityService } from '../identity/index.js';
import { notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { applyListQuery, parseListQuery } from './listing.js';
import { ConnectionsService } from './connections.service.js';
import { EndpointConnectionsService } from './endpoint-connections.service.js';
import { FlowsService } from './flows.service.js';
import { RunsService } from './runs.service.js';
import { RunExecutor, type FileDecision } from './run-executor.js';
import { Scheduler } from './scheduler.js';
import { Explorer } from './explore.js';
import { dataLakeSpec } from './specs/data-lake.js';
import { flowSpecs, type FlowSpec } from './specs/flow-specs.js';
import type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';

export type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';
export { Scheduler } from './scheduler.js';
export { RunExecutor } from './run-executor.js';
export { purgeFlowServiceSandbox } from './sandbox-purge.js';

export interface FlowServiceDeps {
  db: Db;
  queue: JobQueue;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  identity: IdentityService;
  catalog: CatalogPort;
  dataPrep: DataPrepPort;
  schemaRegistry: SchemaRegistryPort;
  pipeline: PipelinePort;
  settleSeconds: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** Flow Service: connection and flow specs, connections, source and target connections, flows and runs. */
export class FlowService {
  readonly connections: ConnectionsService;
  readonly endpoints: EndpointConnectionsService;
  readonly flows: FlowsService;
  readonly runs: RunsService;
  readonly explorer: Explorer;
  readonly executor: RunExecutor;
  private readonly db: Db;
  private readonly connectionSpecs: ConnectionSpec[];
  private readonly flowSpecs: FlowSpec[];

  constructor(deps: FlowServiceDeps) {
    this.db = deps.db;
    const sourceSpecs = deps.connectors.all().map((c) => c.spec);
    const streaming = streamingSources();
    this.connectionSpecs = [...sourceSpecs, ...streaming.map((s) => s.spec), dataLakeSpec];
    this.flowSpecs = flowSpecs(
      sourceSpecs.map((s) => s.id),
      dataLakeSpec.id,
    );
    this.connections = new ConnectionsService(deps.db, deps.secrets, deps.connectors, streaming);
    this.endpoints = new EndpointConnectionsService(deps.db, this.connections, deps.catalog);
    this.flows = new FlowsService(deps.db, this.flowSpecs, this.endpoints, deps.dataPrep);
    this.runs = new RunsService(deps.db, deps.queue);
    this.explorer = new Explorer(this.connections, deps.pipeline);
    this.executor = new RunExecutor({ ...deps, flows: this.flows, endpoints: this.endpoints, connections: this.connections });
  }

  /**
   * Tributary's own addition: for each file the flow's source path selects now, whether the next run
   * would take it, and why; with the runs and batches that took its earlier versions.
   */
  async fileDecisions(scope: Scope, flowId: string): Promise<{ items: Array<Record<string, unknown>> }> {
    await this.flows.get(scope, flowId);
    const plan = await this.flows.plan(flowId);
    if (!plan) throw notFound(`Flow ${flowId} not found`, 'FLOW-1004');
    const candidates = await this.executor.candidates(scope, plan, new Date());
    const history = await this.db.query<{ path: string; version_tag: string; status: string; run_id: string; batch_id: string | null; recorded_at: Date | string }>(
      'select path, version_tag, status, run_id, batch_id, recorded_at from flow_files where flow_id = $1 order by recorded_at',
      [plan.id],
    );
    const reasons: Record<FileDecision, string> = {
      new: 'never ingested by this flow: the next run takes it',
      changed: 'ingested before, and changed since: the next run takes the new version',
      already_ingested: 'this version was already ingested: skipped',
      settling: 'modified too recently, it may still be being written: a later run takes it',
      before_start: 'modified before the schedule start and backfill is off: skipped',
    };
    return {
      items: candidates.map((c) => ({
        path: c.entry.path,
        size: c.entry.size,
        modifiedAt: c.entry.modifiedAt,
        version: c.versionTag,
        decision: c.decision,
        reason: reasons[c.decision],
        ingestedVersions: history
          .filter((h) => h.path === c.entry.path)
          .map((h) => ({ version: h.version_tag, status: h.status, runId: h.run_id, batchId: h.batch_id, at: new Date(h.recorded_at).getTime() })),
      })),
    };
  }

  listConnectionSpecs(query: Record<string, unknown>, nextHref: (token: string) => string) {
    return applyListQuery(this.connectionSpecs, parseListQuery(query), nextHref);
  }

  getConnectionSpec(id: string): { items: ConnectionSpec[] } {
    const spec = this.connectionSpecs.find((s) => s.id === id);
    if (!spec) throw notFound(`Connection spec ${id} not found`, 'FLOW-1004');
    return { items: [spec] };
  }

  listFlowSpecs(query: Record<string, unknown>, nextHref: (token: string) => string) {
    return applyListQuery(this.flowSpecs, parseListQuery(query), nextHref);
  }

  getFlowSpec(id: string): { items: FlowSpec[] } {
    const spec = this.flowSpecs.find((s) => s.id === id);
    if (!spec) throw notFound(`Flow spec ${id} not found`, 'FLOW-1004');
    return { items: [spec] };
  }
}
