import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/db.js';
import { countRunsByStatus, finishedRunTotals } from '../services/flow-service/runs.repo.js';
import { RUN_STATUSES } from '../services/flow-service/run-states.js';
import { streamLagByFlow, streamRecordsByFlow } from '../services/flow-service/streaming/index.js';

/**
 * Prometheus metrics of a process. HTTP metrics are counted here as requests end; the platform's state
 * (runs, ingested records and bytes, queue depth, scheduler lag) is read from the database at each scrape,
 * so a scrape of any process shows the work of every worker.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status_code'>;
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly runs: Gauge<'status'>;
  private readonly runRecords: Gauge<'outcome'>;
  private readonly runBytes: Gauge<'direction'>;
  private readonly ingestedRecords: Gauge;
  private readonly ingestedBytes: Gauge;
  private readonly batches: Gauge<'status'>;
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly schedulerLag: Gauge;
  private readonly streamRecords: Gauge<'flow_id' | 'outcome'>;
  private readonly streamLag: Gauge<'flow_id'>;

  constructor(private readonly db: Db) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_' });
    this.requests = new Counter({
      name: 'tributary_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tributary_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.runs = new Gauge({ name: 'tributary_flow_runs', help: 'Flow runs by status', labelNames: ['status'], registers });
    this.runRecords = new Gauge({
      name: 'tributary_flow_run_records',
      help: 'Records of all flow runs: input, output (ingested) and failed',
      labelNames: ['outcome'],
      registers,
    });
    this.runBytes = new Gauge({
      name: 'tributary_flow_run_bytes',
      help: 'Bytes of all flow runs: input (read from sources) and output (Parquet written)',
      labelNames: ['direction'],
      registers,
    });
    this.ingestedRecords = new Gauge({
      name: 'tributary_ingested_records',
      help: 'Records in successful batches of the lake (flows and batch ingestion)',
      registers,
    });
    this.ingestedBytes = new Gauge({ name: 'tributary_ingested_bytes', help: 'Bytes of Parquet in successful batches of the lake', registers });
    this.batches = new Gauge({ name: 'tributary_batches', help: 'Catalog batches by status', labelNames: ['status'], registers });
    this.queueJobs = new Gauge({
      name: 'tributary_queue_jobs',
      help: 'Jobs waiting (created, retry) or running (active) per queue',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.streamRecords = new Gauge({
      name: 'tributary_stream_records',
      help: 'Records of a streaming flow: input (read from the stream), output (ingested) and failed',
      labelNames: ['flow_id', 'outcome'],
      registers,
    });
    this.streamLag = new Gauge({
      name: 'tributary_stream_lag_ms',
      help: "How far a streaming flow's most-behind partition is from the stream's newest record, in ms",
      labelNames: ['flow_id'],
      registers,
    });
    this.schedulerLag = new Gauge({
      name: 'tributary_scheduler_lag_seconds',
      help: 'How long the most overdue enabled flow has been due (0 when none is)',
      registers,
    });
  }

  /** Counts one finished HTTP request. `route` is the route pattern, never the raw URL (bounded labels). */
  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    const labels = { method, route: route ?? 'unmatched', status_code: String(statusCode) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** The Prometheus text exposition, with the platform's state read now. */
  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refresh(): Promise<void> {
    const runs = await countRunsByStatus(this.db);
    this.runs.reset();
    for (const status of RUN_STATUSES) this.runs.set({ status }, 0);
    for (const r of runs) this.runs.set({ status: r.status }, Number(r.n));

    const sums = await finishedRunTotals(this.db);
    this.runRecords.set({ outcome: 'input' }, Number(sums.input));
    this.runRecords.set({ outcome: 'output' }, Number(sums.output));
    this.runRecords.set({ outcome: 'failed' }, Number(sums.failed));
    this.runBytes.set({ direction: 'input' }, Number(sums.input_bytes));
    this.runBytes.set({ direction: 'output' }, Number(sums.output_bytes));

    const batches = await this.db.query<{ status: string; n: number; records: number; bytes: number }>(
      `select status, count(*)::int as n, coalesce(sum(record_count), 0)::float8 as records, coalesce(sum(size), 0)::float8 as bytes from batches group by status`,
    );
    this.batches.reset();
    let records = 0;
    let bytes = 0;
    for (const b of batches) {
      this.batches.set({ status: b.status }, Number(b.n));
      if (b.status === 'success') {
        records += Number(b.records);
        bytes += Number(b.bytes);
      }
    }
    this.ingestedRecords.set(records);
    this.ingestedBytes.set(bytes);

    this.queueJobs.reset();
    const jobs = await this.db
      .query<{ name: string; state: string; n: number }>(
        `select name, state::text as state, count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active') group by name, state`,
      )
      .catch(() => []);
    for (const j of jobs) this.queueJobs.set({ queue: j.name, state: j.state }, Number(j.n));

    const lag = (
      await this.db.query<{ lag: number | null }>(
        `select extract(epoch from (now() - min(next_run_at)))::float8 as lag from flows where state = 'enabled' and next_run_at is not null and next_run_at <= now()`,
      )
    )[0];
    this.schedulerLag.set(Math.max(0, Number(lag?.lag ?? 0)));

    this.streamRecords.reset();
    for (const f of await streamRecordsByFlow(this.db)) {
      this.streamRecords.set({ flow_id: f.flowId, outcome: 'input' }, f.input);
      this.streamRecords.set({ flow_id: f.flowId, outcome: 'output' }, f.output);
      this.streamRecords.set({ flow_id: f.flowId, outcome: 'failed' }, f.failed);
    }
    this.streamLag.reset();
    for (const f of await streamLagByFlow(this.db)) this.streamLag.set({ flow_id: f.flowId }, f.lagMs);
  }
}
