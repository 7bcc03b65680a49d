import { dirname, join } from 'node:path';
import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { RunJobs } from './run-job.js';
import type { SecretBox } from '../../security/secret-box.js';
import { defaultStreamingSources, type ConnectorRegistry, type ConnectionSpec, type StreamingSource } from '../../connectors/index.js';
import type { InletLog } from '../streaming-inlet/index.js';
import type { IdentityService } from '../identity/index.js';
import { notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { applyListQuery, parseListQuery } from './listing.js';
import { ConnectionsService } from './connections.service.js';
import { EndpointConnectionsService } from './endpoint-connections.service.js';
import { FlowsService } from './flows.service.js';
import { RunsService } from './runs.service.js';
import { RunExecutor } from './run-executor.js';
import { RunScratch } from './run-scratch.js';
import { FileSelector } from './file-selection.js';
import { Scheduler } from './scheduler.js';
import { startRunNow } from './run-now.js';
import { Explorer } from './explore.js';
import { StreamRunner } from './streaming/index.js';
import type { StreamConfig } from '../../config/config.js';
import { dataLakeSpec } from './specs/data-lake.js';
import { flowSpecs, type FlowSpec } from './specs/flow-specs.js';
import type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';

export type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from './ports.js';
export { Scheduler } from './scheduler.js';
export { RunExecutor } from './run-executor.js';
export { RUN_QUEUE, type RunJob, type RunJobs } from './run-job.js';
export { purgeFlowServiceSandbox } from './sandbox-purge.js';

export interface FlowServiceDeps {
  db: Db;
  queue: JobQueue<RunJobs>;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  identity: IdentityService;
  catalog: CatalogPort;
  dataPrep: DataPrepPort;
  schemaRegistry: SchemaRegistryPort;
  pipeline: PipelinePort;
  settleSeconds: number;
  /** The runs' working folders (`$TRIBUTARY_HOME/scratch/runs`). */
  scratchDir: string;
  /** How often a run in progress proves its worker alive (ms). */
  runHeartbeatMs?: number;
  /** How streaming flows are consumed. */
  stream: StreamConfig;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** The streaming sources (Kinesis, Event Hubs, the HTTP inlet); when absent, those that need no store, under no egress policy. */
  streaming?: StreamingSource[];
  /** The HTTP inlets' log, where a connection of the HTTP API spec gets its inlet. */
  inlets?: InletLog;
  /** Told after each streaming micro-batch that landed (table compaction counts them); must not throw. */
  onStreamBatchLanded?: (scope: Scope, datasetId: string) => void;
}

/** Flow Service: connection and flow specs, connections, source and target connections, flows and runs. */
export class FlowService {
  readonly connections: ConnectionsService;
  readonly endpoints: EndpointConnectionsService;
  readonly flows: FlowsService;
  readonly runs: RunsService;
  readonly explorer: Explorer;
  readonly executor: RunExecutor;
  readonly selector: FileSelector;
  /** Consumes the enabled streaming flows; started by `serve` and `worker` processes (src/worker/background.ts). */
  readonly streams: StreamRunner;
  private readonly db: Db;
  private readonly queue: JobQueue<RunJobs>;
  private readonly connectionSpecs: ConnectionSpec[];
  private readonly flowSpecs: FlowSpec[];

  constructor(deps: FlowServiceDeps) {
    this.db = deps.db;
    this.queue = deps.queue;
    const sourceSpecs = deps.connectors.all().map((c) => c.spec);
    const streaming = deps.streaming ?? defaultStreamingSources();
    this.connectionSpecs = [...sourceSpecs, ...streaming.map((s) => s.spec), dataLakeSpec];
    this.flowSpecs = flowSpecs(
      sourceSpecs.map((s) => s.id),
      dataLakeSpec.id,
      streaming.filter((s) => s.open).map((s) => s.spec.id),
    );
    this.connections = new ConnectionsService(deps.db, deps.secrets, deps.connectors, streaming, deps.inlets);
    this.endpoints = new EndpointConnectionsService(deps.db, this.connections, deps.catalog);
    this.flows = new FlowsService(deps.db, this.flowSpecs, this.endpoints, deps.dataPrep);
    this.runs = new RunsService(deps.db, deps.queue);
    this.explorer = new Explorer(this.connections, deps.pipeline);
    // Beside the runs' working folders: a long listing is sorted through files there.
    this.selector = new FileSelector(deps.db, this.endpoints, this.connections, deps.settleSeconds, {
      spillDir: join(dirname(deps.scratchDir), 'listings'),
    });
    this.executor = new RunExecutor({
      ...deps,
      ...(deps.runHeartbeatMs !== undefined ? { heartbeatMs: deps.runHeartbeatMs } : {}),
      scratch: new RunScratch(deps.scratchDir),
      flows: this.flows,
      endpoints: this.endpoints,
      connections: this.connections,
      selector: this.selector,
    });
    this.streams = new StreamRunner({
      ...deps,
      settings: deps.stream,
      // Beside the runs' working folders: one per micro-batch being written.
      scratch: new RunScratch(join(dirname(deps.scratchDir), 'streams')),
      flows: this.flows,
      endpoints: this.endpoints,
      connections: this.connections,
    });
  }

  /** `GET /flows/{id}/files` (Tributary's addition): why each file of the source was or was not picked. */
  async fileDecisions(scope: Scope, flowId: string): Promise<{ items: Array<Record<string, unknown>> }> {
    await this.flows.get(scope, flowId);
    const plan = await this.flows.plan(flowId);
    if (!plan) throw notFound(`Flow ${flowId} not found`, 'FLOW-1004');
    return { items: await this.selector.decisions(scope, plan) };
  }

  /** `POST /flows/{id}/runs` (Tributary's addition): a run of the flow now, whatever its schedule. */
  async runNow(scope: Scope, flowId: string): Promise<{ id: string; etag: string }> {
    const id = await startRunNow(this.db, this.queue, scope, flowId);
    const run = await this.runs.get(scope, id);
    return { id, etag: String(run.etag) };
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
