import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../store/db.js';
import type { StreamConfig } from '../../../config/config.js';
import type { RecordStream, StreamPartition, StreamRecord } from '../../../connectors/index.js';
import type { IngestResult } from '../../../pipeline/contracts.js';
import type { Scope } from '../../scope.js';
import { CODES } from '../../error-codes.js';
import type { IdentityService } from '../../identity/index.js';
import type { ConnectionsService } from '../connections.service.js';
import type { EndpointConnectionsService, StreamSourceSettings } from '../endpoint-connections.service.js';
import type { FlowPlan, FlowsService } from '../flows.service.js';
import type { CatalogPort, DataPrepPort, PipelinePort, SchemaRegistryPort } from '../ports.js';
import type { RunScratch } from '../run-scratch.js';
import { partialIngestionPercent } from '../../../pipeline/index.js';
import * as leases from './partition-leases.repo.js';
import type { Lease } from './partition-leases.repo.js';
import { addToWindowRun, type MicroBatchCounts } from './stream-runs.repo.js';
import { writeRecordsFile } from './records-file.js';

export interface StreamRunnerDeps {
  db: Db;
  identity: IdentityService;
  flows: FlowsService;
  endpoints: EndpointConnectionsService;
  connections: ConnectionsService;
  catalog: CatalogPort;
  dataPrep: DataPrepPort;
  schemaRegistry: SchemaRegistryPort;
  pipeline: PipelinePort;
  /** Working folders of micro-batches in progress. */
  scratch: RunScratch;
  settings: StreamConfig;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Told after each micro-batch that landed (table compaction counts them). */
  onStreamBatchLanded?: (scope: Scope, datasetId: string) => void;
}

/** A micro-batch's consumer lost its partition's lease: the batch is rolled back, and the new holder reads its records. */
class LeaseLost extends Error {
  constructor(lease: Lease) {
    super(`the lease on partition ${lease.partitionId} of flow ${lease.flowId} was taken over`);
  }
}

/** What a consumer resolves once: where its records go and how they are mapped. */
interface Destination {
  scope: Scope;
  plan: FlowPlan;
  source: StreamSourceSettings;
  datasetId: string;
  mappings: Awaited<ReturnType<DataPrepPort['getMappings']>>['mappings'] | null;
  target: Awaited<ReturnType<SchemaRegistryPort['targetSchema']>>;
  threshold: number | undefined;
}

interface Consumer {
  lease: Lease;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Consumes the enabled streaming flows. Every `serve` and `worker` process runs one: each partition of a
 * flow's stream is read by the one process that holds its lease (taken when free or expired, renewed while
 * held), in micro-batches cut by count, bytes or time. Each micro-batch becomes one Catalog batch whose commit
 * advances the partition's checkpoint in the same transaction, fenced by the lease's epoch: after any crash
 * or take-over, every record lands exactly once. A partition made by resharding starts once its parents are
 * drained.
 */
export class StreamRunner {
  /** This process, as lease holders are named (host and pid help whoever reads the table). */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly consumers = new Map<string, Consumer>();
  private scanTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly deps: StreamRunnerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const scanLoop = () => {
      this.scanning = this.scan()
        .catch((error: unknown) => this.deps.log('stream scan failed', { error: String(error) }))
        .finally(() => {
          this.scanning = null;
          if (!this.stopped) this.scanTimer = setTimeout(scanLoop, this.deps.settings.scanMs);
        });
    };
    scanLoop();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.deps.settings.leaseMs / 3)));
    this.renewTimer.unref();
  }

  /** Stops consuming: micro-batches not yet committed are dropped (their records are read again from the checkpoint), leases given back. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.scanTimer) clearTimeout(this.scanTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.scanning;
    const running = [...this.consumers.values()];
    for (const c of running) c.abort.abort(new Error('the stream runner is stopping'));
    await Promise.all(running.map((c) => c.done));
  }

  private async renew(): Promise<void> {
    const held = [...this.consumers.values()].map((c) => c.lease);
    try {
      const lost = await leases.renewLeases(this.deps.db, held, this.deps.settings.leaseMs);
      for (const lease of lost) {
        this.deps.log('stream lease lost', { flowId: lease.flowId, partition: lease.partitionId });
        this.consumers.get(key(lease))?.abort.abort(new LeaseLost(lease));
      }
    } catch (error) {
      this.deps.log('stream lease renewal failed', { error: String(error) });
    }
  }

  private async scan(): Promise<void> {
    const enabled = new Set(await this.deps.flows.enabledStreamingFlows());
    // A flow disabled (or deleted) stops being consumed; its checkpoint stays for when it is enabled again.
    for (const consumer of this.consumers.values()) {
      if (!enabled.has(consumer.lease.flowId)) consumer.abort.abort(new Error('the flow was disabled'));
    }
    for (const flowId of enabled) {
      if (this.stopped) return;
      await this.scanFlow(flowId).catch((error: unknown) => this.deps.log('stream flow scan failed', { flowId, error: String(error) }));
    }
  }

  private async scanFlow(flowId: string): Promise<void> {
    const plan = await this.deps.flows.plan(flowId);
    if (!plan || plan.state !== 'enabled') return;
    const scope = await this.deps.identity.systemScope(plan.orgId, plan.sandboxId);
    const source = await this.deps.endpoints.streamSource(scope, plan.sourceConnectionId);
    const { stream } = await this.deps.connections.openStream(scope, source.baseConnectionId, source.params);
    let partitions: StreamPartition[];
    try {
      partitions = await stream.partitions(source.stream);
    } finally {
      await stream.close();
    }
    await leases.notePartitions(
      this.deps.db,
      flowId,
      partitions.map((p) => p.id),
    );
    const states = new Map((await leases.partitionStates(this.deps.db, flowId)).map((s) => [s.partitionId, s]));
    const listed = new Set(partitions.map((p) => p.id));
    for (const partition of partitions) {
      if (this.stopped) return;
      const state = states.get(partition.id);
      if (!state || state.drained || state.leaseLive || this.consumers.has(`${flowId}/${partition.id}`)) continue;
      // Records of one key stay in order across a split or a merge: children wait until their parents are read to the end
      // (a parent no longer listed has aged out of the stream's retention: nothing is left to read of it).
      const parentsDone = partition.parents.every((p) => !listed.has(p) || states.get(p)?.drained === true);
      if (!parentsDone) continue;
      const lease = await leases.acquireLease(this.deps.db, flowId, partition.id, this.holder, this.deps.settings.leaseMs);
      if (lease) this.startConsumer(lease, scope, plan, source);
    }
  }

  private startConsumer(lease: Lease, scope: Scope, plan: FlowPlan, source: StreamSourceSettings): void {
    const abort = new AbortController();
    const done = this.consume(lease, scope, plan, source, abort.signal)
      .catch((error: unknown) => {
        if (!abort.signal.aborted)
          this.deps.log('stream consumer failed', { flowId: lease.flowId, partition: lease.partitionId, error: String(error) });
      })
      .finally(async () => {
        this.consumers.delete(key(lease));
        if (!(abort.signal.reason instanceof LeaseLost)) await leases.releaseLease(this.deps.db, lease).catch(() => undefined);
      });
    this.consumers.set(key(lease), { lease, abort, done });
  }

  private async destination(scope: Scope, plan: FlowPlan, source: StreamSourceSettings): Promise<Destination> {
    const { catalog, endpoints, dataPrep, schemaRegistry } = this.deps;
    const target = await endpoints.targetDataset(scope, plan.targetConnectionId);
    const dataset = await catalog.getDataset(scope, target.dataSetId);
    const schemaId = dataset.schemaRef?.id ?? target.schemaId;
    if (!schemaId) throw new Error(`dataset ${target.dataSetId} has no schema`);
    const mapping = plan.mapping ? await dataPrep.getMappings(scope, plan.mapping.id, plan.mapping.version) : null;
    return {
      scope,
      plan,
      source,
      datasetId: target.dataSetId,
      mappings: mapping ? mapping.mappings : null,
      target: await schemaRegistry.targetSchema(scope, schemaId),
      threshold: plan.partialIngestionPercent ?? partialIngestionPercent(dataset.tags),
    };
  }

  /** Reads one partition while the lease is held: buffers records, cuts micro-batches, commits each with its checkpoint. */
  private async consume(lease: Lease, scope: Scope, plan: FlowPlan, source: StreamSourceSettings, signal: AbortSignal): Promise<void> {
    const { settings } = this.deps;
    if (lease.abandonedBatchId) {
      // The previous holder died while writing this batch: it never committed, and its records are read again.
      await this.deps.catalog
        .failBatch(scope, lease.abandonedBatchId, null, [
          { code: CODES.streamBatchAbandoned.code, description: 'the consumer writing this micro-batch stopped; its records are read again' },
        ])
        .catch(() => undefined);
      await leases.noteOpenBatch(this.deps.db, lease, null);
    }
    const to = await this.destination(scope, plan, source);
    const { stream } = await this.deps.connections.openStream(scope, source.baseConnectionId, source.params);
    try {
      let committed = lease.checkpoint;
      let position: { checkpoint: string } | { start: 'earliest' | 'latest' } = committed ? { checkpoint: committed } : { start: source.reset };
      let buffer: StreamRecord[] = [];
      let bytes = 0;
      let cutAt = 0;
      let lagMs: number | undefined;
      for (;;) {
        if (signal.aborted) return;
        const waitMs = buffer.length > 0 ? Math.max(0, cutAt - Date.now()) : Math.min(1000, settings.batchMs);
        const read = await stream.read(source.stream, lease.partitionId, position, {
          maxRecords: Math.max(1, settings.batchRecords - buffer.length),
          waitMs,
          signal,
        });
        if (signal.aborted) return;
        if (read.records.length > 0 && buffer.length === 0) cutAt = Date.now() + settings.batchMs;
        for (const r of read.records) {
          buffer.push(r);
          bytes += r.data.length;
        }
        position = { checkpoint: read.checkpoint };
        lagMs = read.lagMs ?? lagMs;
        const full = buffer.length >= settings.batchRecords || bytes >= settings.batchBytes;
        if (buffer.length > 0 && (full || Date.now() >= cutAt || read.drained)) {
          await this.commitMicroBatch(stream, lease, to, buffer, read.checkpoint, read.drained, lagMs, signal);
          committed = read.checkpoint;
          buffer = [];
          bytes = 0;
        } else if (buffer.length === 0 && (committed === null || read.drained) && read.checkpoint !== committed) {
          // Nothing to land, but a position to keep: a `latest` start pins where it began (a consumer taking over
          // starts there, not at a later "latest"), and a drained partition frees its children.
          await this.advanceOnly(lease, read.checkpoint, read.drained, lagMs);
          committed = read.checkpoint;
        } else if (buffer.length === 0 && read.drained) {
          await this.advanceOnly(lease, read.checkpoint, true, lagMs);
        }
        if (read.drained && buffer.length === 0) return;
      }
    } finally {
      await stream.close();
    }
  }

  private async advanceOnly(lease: Lease, checkpoint: string, drained: boolean, lagMs: number | undefined): Promise<void> {
    const ok = await leases.advanceCheckpoint(this.deps.db, lease, checkpoint, drained, lagMs);
    if (!ok) throw new LeaseLost(lease);
  }

  /** One micro-batch → one Catalog batch, committed with the partition's checkpoint in one transaction fenced by the lease. */
  private async commitMicroBatch(
    stream: RecordStream,
    lease: Lease,
    to: Destination,
    records: StreamRecord[],
    checkpoint: string,
    drained: boolean,
    lagMs: number | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const { catalog, db, settings } = this.deps;
    const flow = { id: to.plan.id, orgId: to.plan.orgId, sandboxId: to.plan.sandboxId };
    const { batchId, staging } = await catalog.beginBatch(to.scope, {
      datasetId: to.datasetId,
      inputFormat: { format: 'json' },
      relatedObjects: [
        { type: 'dataSet', id: to.datasetId },
        { type: 'flow', id: to.plan.id },
      ],
    });
    // Noted at once, so that a process taking the lease over after a crash fails the batch (see `consume`).
    const noted = await leases.noteOpenBatch(db, lease, batchId).catch(() => false);
    const workDir = await this.deps.scratch.open(batchId);
    try {
      if (!noted) throw new LeaseLost(lease);
      const label = `${to.source.stream}/${lease.partitionId}`;
      const path = join(workDir, 'records.json');
      const file = await writeRecordsFile(path, label, records, { dataType: to.source.dataType, maxRecordBytes: settings.maxRecordBytes });
      const size = (await stat(path)).size;
      const result: IngestResult =
        file.written > 0
          ? await this.deps.pipeline.ingest({
              signal,
              workDir,
              files: [{ path: label, size, open: async () => createReadStream(path), localPath: async () => path }],
              format: { format: 'json' },
              mappings: to.mappings,
              target: to.target,
              outputDir: staging.dir,
            })
          : { files: [], inputRecordCount: 0, outputRecordCount: 0, failedRecordCount: 0, inputBytes: 0, outputBytes: 0, rowErrors: [] };
      const failed = result.failedRecordCount + file.rowErrors.length;
      const counts: MicroBatchCounts = {
        input: records.length,
        output: result.outputRecordCount,
        failed,
        inputBytes: file.inputBytes,
        outputBytes: result.outputBytes,
        outputFiles: 0,
        lagMs,
      };
      const rowErrors = [...file.rowErrors, ...result.rowErrors];
      const land = async (tx: Parameters<NonNullable<Parameters<CatalogPort['finishBatch']>[4]>>[0], landed: MicroBatchCounts) => {
        if (!(await leases.advanceCheckpoint(tx, lease, checkpoint, drained, lagMs))) throw new LeaseLost(lease);
        const runId = await addToWindowRun(tx, flow, settings.runWindowMs, landed);
        // The window run lists its micro-batches by this (`property=relatedObjects.id==<run id>`), landed or failed.
        await catalog.relateBatch(tx, batchId, [{ type: 'flowRun', id: runId }]);
      };
      let landedFiles = 0;
      const outcome = await catalog.finishBatch(
        to.scope,
        batchId,
        staging,
        {
          recordCount: result.outputRecordCount,
          failedRecordCount: failed,
          inputFiles: [{ path: label, size: file.inputBytes, records: records.length, failed }],
          rowErrors,
          ...(to.threshold !== undefined ? { partialIngestionPercent: to.threshold } : {}),
        },
        async (tx) => land(tx, { ...counts, outputFiles: (landedFiles = 1) }),
      );
      if (outcome.status === 'success') {
        counts.outputFiles = outcome.files.length || landedFiles;
        this.deps.onStreamBatchLanded?.(to.scope, to.datasetId);
      } else {
        // Nothing landed (every record failed, or partial ingestion refused the batch): the records are still
        // consumed — the stream goes on — and the window run counts them as failed.
        await db.transaction((tx) => land(tx, { ...counts, output: 0, failed: records.length, outputBytes: 0 }));
        counts.output = 0;
        counts.failed = records.length;
      }
      await stream
        .acknowledge?.(to.source.stream, lease.partitionId, checkpoint)
        .catch((error: unknown) =>
          this.deps.log('stream acknowledge failed', { flowId: to.plan.id, partition: lease.partitionId, error: String(error) }),
        );
    } catch (error) {
      const code = error instanceof LeaseLost ? CODES.streamLeaseLost.code : CODES.batchUnexpected.code;
      await catalog.failBatch(to.scope, batchId, staging, [{ code, description: (error as Error).message }]).catch(() => undefined);
      if (!(error instanceof LeaseLost)) await leases.noteOpenBatch(db, lease, null).catch(() => undefined);
      throw error;
    } finally {
      await this.deps.scratch.remove(batchId).catch(() => undefined);
    }
  }
}

const key = (lease: Lease) => `${lease.flowId}/${lease.partitionId}`;
